"""What a generated building is equipped with: a lift or not, and its IoT devices."""

from __future__ import annotations

import random
from datetime import timedelta

from ingest.generator.parts import BuildingInfo, Community, CsvSet


def has_elevator(floors: int, year_built: int, rng: random.Random) -> bool | None:
    """Whether a generated building has a lift. Dwellings of 7 floors or more must have one
    (GB 50096-2011), and towers do; older walk-ups mostly do not, some have had one added
    (既有住宅加装电梯), and newer low-rise ones often do. A few records leave it out."""
    if rng.random() < 0.03:
        return None
    if floors >= 8 or (floors == 7 and year_built >= 2000):
        return True
    if floors == 7:
        return rng.random() < 0.3
    return rng.random() < (0.12 if year_built < 2005 else 0.45)


def write_devices(gen: Community, out: CsvSet, info: BuildingInfo, units: int) -> None:
    """The building's sensors: smoke, camera, meters, access control per unit, gas alarms in
    most, and a lift monitor per unit in towers."""
    kinds = ["smoke_alarm", "camera", "electricity_meter", "water_meter"]
    kinds += ["access_control"] * units
    if gen.rng.random() < 0.6:
        kinds.append("gas_alarm")
    if info.floors >= 8:
        kinds += ["elevator_monitor"] * units
    for kind in kinds:
        device_id = gen.next_id("D", 7)
        status = gen.rng.choices(("online", "offline", "fault"), (93, 4, 3))[0]
        installed = gen.as_of - timedelta(days=gen.rng.randint(30, 3000))
        out.write(
            "devices",
            device_id=device_id,
            kind=kind,
            building_id=info.id,
            status=status,
            installed_at=installed.isoformat(),
        )
        info.devices.setdefault(kind, device_id)
