"""Utility supply networks of the synthetic community: power, water and gas, street by street."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from ingest.generator.parts import BuildingInfo, Community, CsvSet
from ingest.mapping.canonical import LIST_SEPARATOR

BUILDINGS_PER_TRANSFORMER = 8


@dataclass
class Asset:
    id: str
    kind: str
    supplies: list[str] = field(default_factory=list)


class UtilityNetworks:
    """substation → transformer → buildings; pump station → valve → buildings; gas station →
    regulator → buildings. Assets are written once complete (their `supplies` lists)."""

    def __init__(self, generator: Community, out: CsvSet) -> None:
        self.gen = generator
        self.out = out
        self.assets: list[Asset] = []
        self.substation: Asset | None = None
        self.pump: Asset | None = None
        self.gas_station: Asset | None = None
        self.transformer: Asset | None = None
        self.valve: Asset | None = None
        self.regulator: Asset | None = None

    def _asset(self, kind: str, fed_by: Asset | None = None) -> Asset:
        asset = Asset(self.gen.next_id("D", 7), kind)
        self.assets.append(asset)
        if fed_by is not None:
            fed_by.supplies.append(asset.id)
        return asset

    def new_street(self, street_id: str) -> None:
        self.substation = self._asset("substation")
        self.pump = self._asset("water_pump")
        self.gas_station = self._asset("gas_station")
        self.transformer = None

    def new_compound(self) -> None:
        self.valve = self._asset("water_valve", self.pump)
        self.regulator = self._asset("gas_regulator", self.gas_station)
        self.transformer = None

    def connect(self, building: BuildingInfo) -> None:
        if self.transformer is None or len(self.transformer.supplies) >= BUILDINGS_PER_TRANSFORMER:
            self.transformer = self._asset("transformer", self.substation)
        for asset in (self.transformer, self.valve, self.regulator):
            assert asset is not None
            asset.supplies.append(building.id)
            building.devices.setdefault(asset.kind, asset.id)

    def flush(self) -> None:
        rng = self.gen.rng
        for asset in self.assets:
            status = "fault" if rng.random() < 0.02 else "online"
            installed = self.gen.as_of - timedelta(days=rng.randint(365, 9000))
            self.out.write(
                "devices",
                device_id=asset.id,
                kind=asset.kind,
                status=status,
                supplies=LIST_SEPARATOR.join(asset.supplies),
                installed_at=installed.isoformat(),
            )
