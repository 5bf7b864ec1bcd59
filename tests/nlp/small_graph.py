"""A small community for the linking and incident tests: grids 翠湖社区 (G1) and 青山社区
(G2); in G1 the compound 翠湖花园 with buildings 5栋 (B1, 光华路88号, a lift monitor and a
camera) and 1栋 (B2, 光华路90号), and 幸福楼 (B4); in G2 东光大厦 (B3, 六一中路79号) and another
幸福楼 (B5); the property company 翠湖物业有限公司 in B1; resident 王小明 (R1) in household H1 of
B1, and 李四 (R2) in household H2 of B3."""

from __future__ import annotations

from graph.model import Building, Device, Grid, Household, Organisation, Resident
from graph.port import GraphStore
from tests.factories import PROV, edge, id_number


def build(store: GraphStore) -> None:
    store.upsert_nodes(
        [
            Grid(id="G1", name="翠湖社区", level="community"),
            Grid(id="G2", name="青山社区", level="community"),
            Building(id="B1", name="5栋", compound="翠湖花园", address="光华路88号"),
            Building(id="B2", name="1栋", compound="翠湖花园", address="光华路90号"),
            Building(id="B3", name="东光大厦", address="六一中路79号"),
            Building(id="B4", name="幸福楼"),
            Building(id="B5", name="幸福楼"),
            Organisation(id="O1", name="翠湖物业有限公司", kind="property_management"),
            Device(id="D1", kind="elevator_monitor"),
            Device(id="D2", kind="camera"),
            Household(id="H1"),
            Household(id="H2"),
            Resident(
                id="R1", name="王小明", birth_date="1980-01-02",
                id_number=id_number("19800102", male=True, serial=1),
            ),
            Resident(
                id="R2", name="李四", birth_date="1975-05-06",
                id_number=id_number("19750506", male=True, serial=2),
            ),
        ],
        PROV,
    )  # fmt: skip
    store.upsert_edges(
        [
            edge("IN_GRID", "Building:B1", "Grid:G1"),
            edge("IN_GRID", "Building:B2", "Grid:G1"),
            edge("IN_GRID", "Building:B4", "Grid:G1"),
            edge("IN_GRID", "Building:B3", "Grid:G2"),
            edge("IN_GRID", "Building:B5", "Grid:G2"),
            edge("LOCATED_IN", "Organisation:O1", "Building:B1"),
            edge("INSTALLED_IN", "Device:D1", "Building:B1"),
            edge("INSTALLED_IN", "Device:D2", "Building:B1"),
            edge("RESIDES_IN", "Household:H1", "Building:B1"),
            edge("RESIDES_IN", "Household:H2", "Building:B3"),
            edge("MEMBER_OF", "Resident:R1", "Household:H1", role="head"),
            edge("MEMBER_OF", "Resident:R2", "Household:H2", role="head"),
        ],
        PROV,
    )
