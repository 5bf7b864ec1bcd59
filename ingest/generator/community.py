"""Generate a whole community as canonical CSV files, streaming, reproducible from a seed.

Shape: district → streets → communities → grids (each grid ~300-500 households) → compounds of
buildings → households → residents. Every building gets its devices and joins the utility
networks (substation → transformer → buildings; pump station → valve → buildings; gas station →
regulator → buildings). Organisations, incidents in every workflow state and Chinese petitions
complete it. Memory stays bounded: residents are written as they are drawn.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ingest.generator.equipment import has_elevator, write_devices
from ingest.generator.names import (
    COMMUNITY_WORDS,
    COMPOUND_PREFIXES,
    COMPOUND_SUFFIXES,
    DISTRICT_NAME,
    MERCHANT_WORDS,
    PROPERTY_COMPANY_WORDS,
    ROAD_NAMES,
    STREET_NAMES,
)
from ingest.generator.parts import Area, BuildingInfo, CsvSet
from ingest.generator.population import Person, PopulationSampler
from ingest.generator.utility import UtilityNetworks
from ingest.generator.workload import WorkloadGenerator
from ingest.mapping.canonical import LIST_SEPARATOR

DEFAULT_AS_OF = date(2026, 11, 1)
CITY_CENTRE = (29.87, 121.54)


class CommunityGenerator:
    def __init__(self, residents: int, seed: int, as_of: date = DEFAULT_AS_OF) -> None:
        self.target_residents = residents
        self.rng = random.Random(seed)
        # Lifts are drawn from a stream of their own: the rest of the community stays as the
        # seed has always drawn it.
        self.lift_rng = random.Random(f"lifts-{seed}")
        self.as_of = as_of
        self.people = PopulationSampler(self.rng, as_of)
        self.counter: dict[str, int] = {}
        self.buildings: list[BuildingInfo] = []
        self.recent_adults: list[str] = []
        self.grids: list[tuple[str, str, str, str]] = []
        self.incident_count = max(30, residents // 50)
        self.petition_count = max(20, residents // 100)
        self.reservoir: list[tuple[str, int]] = []  # sampled (resident, building) submitters
        self._residents_seen = 0

    def next_id(self, prefix: str, width: int) -> str:
        self.counter[prefix] = self.counter.get(prefix, 0) + 1
        return f"{prefix}{self.counter[prefix]:0{width}d}"

    # -- the run ------------------------------------------------------------------------------
    def write(self, out_dir: Path, progress: Callable[[int], None] | None = None) -> dict[str, int]:
        out = CsvSet(out_dir)
        try:
            self.out = out
            self.utility = UtilityNetworks(self, out)
            self._populate(progress)
            self.utility.flush()
            for row in self.grids:
                grid_id, name, level, parent_id = row
                out.write("grids", grid_id=grid_id, name=name, level=level, parent_id=parent_id)
            WorkloadGenerator(self, out).write()
        finally:
            out.close()
        return dict(out.counts)

    def _populate(self, progress: Callable[[int], None] | None) -> None:
        self.district = Area(self.next_id("G", 5), DISTRICT_NAME, 0)
        self.grids.append((self.district.id, DISTRICT_NAME, "district", ""))
        self.street: Area | None = None
        self.community: Area | None = None
        self.grid: Area | None = None
        self.compound: Area | None = None
        self.building: BuildingInfo | None = None
        self.rooms: list[tuple[str, str]] = []
        written = 0
        while written < self.target_residents:
            if not self.rooms:
                self._new_building()
            unit, room = self.rooms.pop()
            written += self._household(unit, room, self.target_residents - written)
            if progress and written % 1000 < 6:
                progress(written)
        if progress:
            progress(written)

    # -- places -------------------------------------------------------------------------------
    def _new_area(self, level: str, name: str, parent: Area, target: int) -> Area:
        area = Area(self.next_id("G", 5), name, target)
        self.grids.append((area.id, name, level, parent.id))
        parent.filled += 1
        return area

    def _ensure_grid(self, incoming: int = 0) -> None:
        """Open a new grid when the current one is full or `incoming` households overfill it."""
        if (
            self.grid
            and self.grid.filled < self.grid.target
            and not (
                self.grid.filled >= 250 and self.grid.filled + incoming > self.grid.target + 60
            )
        ):
            return
        if not self.community or self.community.filled >= self.community.target:
            if not self.street or self.street.filled >= self.street.target:
                name = STREET_NAMES[self.district.filled % len(STREET_NAMES)]
                if self.district.filled >= len(STREET_NAMES):
                    name = f"{name}{self.district.filled // len(STREET_NAMES) + 1}"
                self.street = self._new_area("street", name, self.district, self.rng.randint(4, 8))
                self.utility.new_street(self.street.id)
            word = COMMUNITY_WORDS[len(self.grids) % len(COMMUNITY_WORDS)]
            self.community = self._new_area(
                "community", f"{word}社区", self.street, self.rng.randint(6, 12)
            )
            self.community.extra["orgs"] = None
        index = self.community.filled + 1
        self.grid = self._new_area(
            "grid",
            f"{self.community.name}第{index}网格",
            self.community,
            self.rng.randint(300, 500),
        )

    def _new_building(self) -> None:
        self._ensure_grid()
        street = self.street
        if not self.compound or self.compound.filled >= self.compound.target:
            self._new_compound()
        assert self.compound
        tower = self.compound.extra["tower"]
        floors = self.rng.choice((11, 18, 26, 33)) if tower else self.rng.choice((5, 6, 6, 7))
        units = self.rng.randint(1, 3) if tower else self.rng.randint(2, 4)
        per_floor = self.rng.choice((2, 2, 4)) if tower else 2
        self._ensure_grid(int(floors * units * per_floor * 0.88))
        if self.street is not street:
            self._new_compound()
        assert self.grid and self.community and self.compound
        self.compound.filled += 1
        number = self.compound.filled
        building_id = self.next_id("B", 6)
        name = f"{self.compound.name}{number}栋"
        lat, lon = self.compound.extra["lat"], self.compound.extra["lon"]
        lat, lon = lat + self.rng.uniform(-0.0008, 0.0008), lon + self.rng.uniform(-0.0008, 0.0008)
        rented_share = self.compound.extra["rented_share"]
        risk = ""
        if rented_share > 0.2:
            risk = self.rng.choices(("relaxed", "caution", "strict", "banned"), (60, 25, 12, 3))[0]
        self.out.write(
            "buildings",
            building_id=building_id,
            name=name,
            address=f"{self.compound.extra['address']}{number}栋",
            compound=self.compound.name,
            grid_id=self.grid.id,
            floors=floors,
            units=units,
            year_built=self.compound.extra["year"],
            use="residential",
            lat=f"{lat:.6f}",
            lon=f"{lon:.6f}",
            rental_risk_level=risk,
            has_elevator=has_elevator(floors, self.compound.extra["year"], self.lift_rng),
        )
        info = BuildingInfo(
            building_id,
            name,
            self.compound.name,
            self.grid.id,
            floors,
            self.compound.extra["manager"],
            {},
        )
        if self.building and self.building.compound == info.compound:
            self.out.link(
                self.building.id, "ADJACENT_TO", building_id, "", self.rng.randint(25, 90)
            )
        self.out.link(self.compound.extra["manager"], "MANAGES", building_id, "", "")
        self.building = info
        self.buildings.append(info)
        self._community_organisations(building_id)
        write_devices(self, self.out, info, units)
        self.utility.connect(info)
        occupied = [
            (str(u), f"{f}{r:02d}")
            for u in range(1, units + 1)
            for f in range(1, floors + 1)
            for r in range(1, per_floor + 1)
            if self.rng.random() < 0.88
        ]
        occupied.reverse()
        self.rooms = occupied

    def _new_compound(self) -> None:
        assert self.street
        name = self.rng.choice(COMPOUND_PREFIXES) + self.rng.choice(COMPOUND_SUFFIXES)
        if self.rng.random() < 0.3:
            name += self.rng.choice(("一期", "二期", "三期"))
        tower = self.rng.random() < 0.55
        road = self.rng.choice(ROAD_NAMES)
        address = f"宁波市{DISTRICT_NAME}{self.street.name}{road}{self.rng.randint(1, 999)}号{name}"
        self.compound = Area(
            name, name, self.rng.randint(3, 14) if tower else self.rng.randint(6, 20)
        )
        self.compound.extra.update(
            tower=tower,
            address=address,
            year=self.rng.randint(1985, 2022) if not tower else self.rng.randint(2000, 2024),
            rented_share=self.rng.choice((0.15, 0.25, 0.35, 0.5)),
            lat=CITY_CENTRE[0] + self.rng.uniform(-0.08, 0.08),
            lon=CITY_CENTRE[1] + self.rng.uniform(-0.08, 0.08),
            manager=self._property_company(),
        )
        self.utility.new_compound()

    def _property_company(self) -> str:
        if not self.street:
            raise RuntimeError("compound before street")
        companies = self.street.extra.setdefault("companies", [])
        if not companies or self.rng.random() < 0.35:
            org_id = self.next_id("O", 6)
            name = (
                f"{self.rng.choice(PROPERTY_COMPANY_WORDS)}物业服务有限公司{self.street.name}分公司"
            )
            self.out.write(
                "organisations",
                org_id=org_id,
                name=name,
                kind="property_management",
                phone=self._landline(),
            )
            companies.append(org_id)
            return org_id
        return str(self.rng.choice(companies))

    def _community_organisations(self, building_id: str) -> None:
        assert self.community
        if self.community.extra.get("orgs") is None:
            orgs: dict[str, str] = {}
            kinds = [
                ("government", "居民委员会"),
                ("clinic", "社区卫生服务站"),
                ("volunteer_team", "志愿服务队"),
                ("party_branch", "党支部"),
                ("social_organisation", "社会工作服务站"),
            ]
            if len([g for g in self.grids if g[2] == "community"]) % 3 == 1:
                kinds.append(("school", "小学"))
            for kind, suffix in kinds:
                org_id = self.next_id("O", 6)
                name = (
                    f"{self.community.name.removesuffix('社区')}{suffix}"
                    if kind == "school"
                    else f"{self.community.name}{suffix}"
                )
                self.out.write(
                    "organisations",
                    org_id=org_id,
                    name=name,
                    kind=kind,
                    building_id=building_id,
                    phone=self._landline(),
                )
                orgs[kind] = org_id
            self.community.extra["orgs"] = orgs
        if self.rng.random() < 0.18:
            for _ in range(self.rng.randint(1, 3)):
                org_id = self.next_id("O", 6)
                word = self.rng.choice(MERCHANT_WORDS)
                name = f"{self.people.surname()}记{word}"
                self.out.write(
                    "organisations",
                    org_id=org_id,
                    name=name,
                    kind="merchant",
                    building_id=building_id,
                    phone=self._landline() if self.rng.random() < 0.5 else self._mobile(),
                )
                self.community.extra.setdefault("merchants", []).append(org_id)

    def _landline(self) -> str:
        return f"0574-8{self.rng.randint(0, 9_999_999):07d}"

    def _mobile(self) -> str:
        return f"13{self.rng.randint(0, 999_999_999):09d}"

    # -- households ---------------------------------------------------------------------------
    def _household(self, unit: str, room: str, remaining: int) -> int:
        assert self.building and self.compound and self.community and self.grid
        rented = self.rng.random() < self.compound.extra["rented_share"]
        tenure = "rented" if rented else ("public" if self.rng.random() < 0.03 else "owned")
        members = self.people.household(rented)[:remaining]
        household_id = self.next_id("H", 7)
        self.out.write(
            "households",
            household_id=household_id,
            building_id=self.building.id,
            unit=unit,
            room=room,
            floor=int(room[:-2]),  # rooms are numbered floor, then two digits: 1203
            tenure=tenure,
        )
        self.grid.filled += 1
        ids = []
        for person in members:
            resident_id = self.next_id("R", 8)
            ids.append(resident_id)
            self._write_resident(resident_id, person, household_id)
            self._sample_submitter(resident_id)
        self._relations(members, ids)
        return len(members)

    def _sample_submitter(self, resident_id: str) -> None:
        """Reservoir sampling: every resident equally likely to be a petition's submitter."""
        self._residents_seen += 1
        entry = (resident_id, len(self.buildings) - 1)
        if len(self.reservoir) < self.petition_count:
            self.reservoir.append(entry)
        else:
            slot = self.rng.randrange(self._residents_seen)
            if slot < self.petition_count:
                self.reservoir[slot] = entry

    def _write_resident(self, resident_id: str, person: Person, household_id: str) -> None:
        self.out.write(
            "residents",
            resident_id=resident_id,
            name=person.name,
            gender="male" if person.male else "female",
            birth_date=person.birth.isoformat(),
            id_number=person.id_number,
            phone=person.phone,
            household_id=household_id,
            relation_to_head=person.relation,
            residency="floating" if person.floating else "registered",
            tags=LIST_SEPARATOR.join(sorted(set(person.tags))),
        )

    def _relations(self, members: list[Person], ids: list[str]) -> None:
        assert self.community and self.grid
        orgs = self.community.extra["orgs"]
        adults = [i for i, p in zip(ids, members, strict=True) if 18 <= p.age_on(self.as_of) < 60]
        for resident_id, person in zip(ids, members, strict=True):
            age = person.age_on(self.as_of)
            if "elderly_living_alone" in person.tags:
                if self.recent_adults:
                    contact = self.rng.choice(self.recent_adults)
                    self.out.link(contact, "EMERGENCY_CONTACT_OF", resident_id, "", "")
                if self.rng.random() < 0.5:
                    self.out.link(orgs["volunteer_team"], "CARES_FOR", resident_id, "", "")
            if "left_behind_child" in person.tags or "mental_disorder" in person.tags:
                guardian = next((i for i in ids if i != resident_id), None)
                if guardian:
                    self.out.link(guardian, "GUARDIAN_OF", resident_id, "", "")
            if 18 <= age <= 70 and self.rng.random() < 0.02:
                self.out.link(resident_id, "VOLUNTEERS_FOR", orgs["volunteer_team"], "", "")
            if 20 <= age < 60 and self.rng.random() < 0.03:
                employer = self.rng.choice(
                    list(orgs.values()) + self.community.extra.get("merchants", [])
                )
                self.out.link(resident_id, "WORKS_FOR", employer, "staff", "")
        if not person.floating and adults and "worker" not in self.grid.extra:
            self.grid.extra["worker"] = adults[0]
            self.out.link(adults[0], "GRID_WORKER_OF", self.grid.id, "", "")
        if adults:
            self.recent_adults.append(adults[0])
            if len(self.recent_adults) > 200:
                self.recent_adults.pop(0)


def generate(
    out_dir: Path,
    residents: int,
    seed: int,
    as_of: date = DEFAULT_AS_OF,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write the canonical files of a community of `residents` people; returns rows per file."""
    return CommunityGenerator(residents, seed, as_of).write(out_dir, progress)
