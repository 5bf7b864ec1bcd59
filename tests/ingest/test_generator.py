"""The synthetic community: reproducible, realistic, and valid for the domain model."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from ingest.generator.community import DEFAULT_AS_OF, generate
from ingest.mapping.canonical import COLUMNS
from ingest.mapping.rows import MAPPERS


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("community")
    generate(out, 20_000, seed=7)
    return out


def rows(folder: Path, kind: str) -> list[dict[str, str]]:
    with open(folder / f"{kind}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for kind in COLUMNS:
        sha.update((folder / f"{kind}.csv").read_bytes())
    return sha.hexdigest()


def test_same_seed_same_files_and_another_seed_differs(tmp_path: Path, community: Path) -> None:
    generate(tmp_path / "a", 20_000, seed=7)
    generate(tmp_path / "b", 20_000, seed=8)
    assert digest(tmp_path / "a") == digest(community)
    assert digest(tmp_path / "b") != digest(community)


def test_files_have_the_canonical_columns(community: Path) -> None:
    for kind, columns in COLUMNS.items():
        with open(community / f"{kind}.csv", encoding="utf-8") as handle:
            assert tuple(next(csv.reader(handle))) == columns


def test_every_row_passes_the_domain_model(community: Path) -> None:
    for kind, mapper in MAPPERS.items():
        for row in rows(community, kind):
            mapper(row)  # raises RowError naming the field on any invalid value


def age(birth: str, today: date = DEFAULT_AS_OF) -> int:
    born = date.fromisoformat(birth)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_population_looks_like_the_2020_census(community: Path) -> None:
    residents = rows(community, "residents")
    assert len(residents) == 20_000
    ages = [age(r["birth_date"]) for r in residents]
    share = lambda n: n / len(residents)  # noqa: E731
    assert 0.15 <= share(sum(a >= 60 for a in ages)) <= 0.22
    assert 0.13 <= share(sum(a < 15 for a in ages)) <= 0.22
    assert 0.18 <= share(sum(r["residency"] == "floating" for r in residents)) <= 0.32
    tags = Counter(t for r in residents for t in r["tags"].split(";") if t)
    assert tags["elderly_living_alone"] > 0 and tags["disabled"] > 0
    assert tags["minor"] > 0 and 0 < tags["mental_disorder"] < 0.01 * len(residents)
    sizes = Counter(Counter(r["household_id"] for r in residents).values())
    households = sum(sizes.values())
    assert 0.2 <= sizes[1] / households <= 0.33
    assert 2.3 <= len(residents) / households <= 2.9
    surnames = Counter(r["name"][0] for r in residents)
    assert [s for s, _ in surnames.most_common(3)] == ["王", "李", "张"] or set(
        s for s, _ in surnames.most_common(5)
    ) >= {"王", "李", "张"}


def test_id_numbers_are_unique_and_agree_with_birth_and_gender(community: Path) -> None:
    residents = rows(community, "residents")
    numbers = [r["id_number"] for r in residents]
    assert len(set(numbers)) == len(numbers)
    for r in residents[:2000]:
        assert r["id_number"][6:14] == r["birth_date"].replace("-", "")
        assert (int(r["id_number"][16]) % 2 == 1) == (r["gender"] == "male")


def test_grid_hierarchy_and_grid_sizes(community: Path) -> None:
    grids = rows(community, "grids")
    levels = Counter(g["level"] for g in grids)
    assert levels["district"] == 1 and levels["street"] >= 1 and levels["community"] >= 1
    parent_level = {g["grid_id"]: g["level"] for g in grids}
    expected = {"street": "district", "community": "street", "grid": "community"}
    for g in grids:
        if g["level"] != "district":
            assert parent_level[g["parent_id"]] == expected[g["level"]]
    building_grid = {b["building_id"]: b["grid_id"] for b in rows(community, "buildings")}
    per_grid = Counter(building_grid[h["building_id"]] for h in rows(community, "households"))
    full = sorted(per_grid.values())[1:]  # the last grid may be partly filled
    assert all(250 <= n <= 600 for n in full)  # "roughly 300-500", whole buildings per grid


def test_devices_form_utility_networks(community: Path) -> None:
    devices = {d["device_id"]: d for d in rows(community, "devices")}
    kinds = Counter(d["kind"] for d in devices.values())
    for kind in (
        "smoke_alarm",
        "gas_alarm",
        "access_control",
        "camera",
        "elevator_monitor",
        "electricity_meter",
        "water_meter",
        "substation",
        "transformer",
        "water_valve",
        "gas_regulator",
    ):
        assert kinds[kind] > 0, kind
    buildings = {b["building_id"] for b in rows(community, "buildings")}
    powered = set()
    for device in devices.values():
        supplied = [s for s in device["supplies"].split(";") if s]
        if device["kind"] == "substation":
            assert all(devices[s]["kind"] == "transformer" for s in supplied)
        if device["kind"] == "transformer":
            powered.update(supplied)
    assert powered == buildings


def test_incidents_cover_every_workflow_state_and_petitions_are_chinese(community: Path) -> None:
    statuses = {i["status"] for i in rows(community, "incidents")}
    assert statuses == {
        "reported",
        "accepted",
        "registered",
        "dispatched",
        "handled",
        "verified",
        "closed",
        "void",
        "on_hold",
        "supervised",
    }
    petitions = rows(community, "petitions")
    assert petitions and all(any("\u4e00" <= ch <= "\u9fff" for ch in p["text"]) for p in petitions)
    assert any(not p["resident_id"] for p in petitions)  # anonymous ones too


def test_lifts_follow_height_and_age_and_a_household_floor_its_room(community: Path) -> None:
    buildings = rows(community, "buildings")
    lifts: dict[str, Counter[str]] = {"tall": Counter(), "old walk-up": Counter()}
    for b in buildings:
        if int(b["floors"]) >= 8:
            lifts["tall"][b["has_elevator"]] += 1
        elif int(b["floors"]) <= 6 and int(b["year_built"]) < 2005:
            lifts["old walk-up"][b["has_elevator"]] += 1
    assert set(lifts["tall"]) <= {"true", ""} and lifts["tall"]["true"] > 50
    old = lifts["old walk-up"]
    assert old["false"] > 3 * old["true"] > 0  # most have none; some had one added
    assert 0 < sum(b["has_elevator"] == "" for b in buildings) < len(buildings) * 0.08
    floors = {b["building_id"]: int(b["floors"]) for b in buildings}
    for h in rows(community, "households"):
        assert int(h["floor"]) == int(h["room"][:-2])
        assert 1 <= int(h["floor"]) <= floors[h["building_id"]]
