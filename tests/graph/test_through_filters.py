"""Conditions on related nodes' fields, on both engines: residents whose household is in a
building, buildings whose grid's name says something; combined with AND, OR, NOT, livesAlone,
in lists, counts and relationship pages."""

from __future__ import annotations

from graph.cypher.store import CypherStore
from graph.filters import All, AnyOf, Condition, LivesAlone, Not, Op, Through
from graph.model import EdgeType, Label
from graph.records import Direction
from tests.factories import PROV, edge, household, ref, resident
from tests.graph.test_listing_contract import ids, town  # noqa: F401  (the fixture)

IN_B1 = Through(
    (EdgeType.MEMBER_OF,),
    Label.HOUSEHOLD,
    Through((EdgeType.RESIDES_IN,), Label.BUILDING, Condition("id", Op.EQ, "B000001")),
)


def residents(store: CypherStore, where: object) -> list[str]:
    return ids(store.list_nodes(Label.RESIDENT, where, first=50))  # type: ignore[arg-type]


def test_conditions_on_related_nodes_combine(town: CypherStore) -> None:  # noqa: F811
    # Households H1 and H2 are in B1, H3 in B2; residents n live in H(n % 3 + 1).
    in_b1 = [f"R{n:08d}" for n in range(8) if n % 3 in (0, 1)]
    assert residents(town, IN_B1) == in_b1
    assert residents(town, Not(IN_B1)) == [f"R{n:08d}" for n in range(8) if n % 3 == 2]
    women_in_b1 = All((IN_B1, Condition("gender", Op.EQ, "female")))
    assert residents(town, women_in_b1) == [r for r in in_b1 if int(r[1:]) % 2 == 0]
    either = AnyOf((Not(IN_B1), Condition("name", Op.EQ, "张伟")))
    assert residents(town, either) == ["R00000000", "R00000002", "R00000005"]
    assert town.count_where(Label.RESIDENT, IN_B1) == len(in_b1)
    has_household = Through((EdgeType.MEMBER_OF,), Label.HOUSEHOLD)
    assert len(residents(town, has_household)) == 8
    grid_named = Through((EdgeType.IN_GRID,), Label.GRID, Condition("name", Op.ENDS_WITH, "2网格"))
    assert ids(town.list_nodes(Label.BUILDING, grid_named, first=5)) == ["B000002"]


def test_related_conditions_beside_lives_alone_and_in_pages(town: CypherStore) -> None:  # noqa: F811
    town.upsert_nodes([household(4), resident(8, "孙丽")], PROV)
    town.upsert_edges(
        [
            edge("RESIDES_IN", "Household:H0000004", "Building:B000001", unit="2", room="202"),
            edge("MEMBER_OF", "Resident:R00000008", "Household:H0000004", role="head"),
        ],
        PROV,
    )
    alone_in_b1 = All((LivesAlone(), IN_B1))
    assert residents(town, alone_in_b1) == ["R00000008"]
    assert residents(town, AnyOf((LivesAlone(), Not(IN_B1)))) == [
        "R00000002",
        "R00000005",
        "R00000008",
    ]
    pages = town.related(
        [ref("Building:B000001")],
        EdgeType.RESIDES_IN,
        Direction.IN,
        Label.HOUSEHOLD,
        Through((EdgeType.RESIDES_IN,), Label.BUILDING, Condition("name", Op.CONTAINS, "1栋")),
    )
    assert [i.node.id for i in pages[ref("Building:B000001")].items] == [
        "H0000001",
        "H0000002",
        "H0000004",
    ]
