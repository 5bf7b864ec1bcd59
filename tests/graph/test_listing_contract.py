"""Listing, filters, keyset pagination and batched related pages, on both engines."""

from __future__ import annotations

import pytest

from graph.cypher.store import CypherStore
from graph.errors import InvalidInputError
from graph.filters import All, AnyOf, Condition, LivesAlone, Not, Op, Related
from graph.measures import AgesOf
from graph.model import EdgeType, Label
from graph.records import Direction
from tests.factories import PROV, building, edge, grid, household, ref, resident

NAMES = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]


@pytest.fixture
def town(store: CypherStore) -> CypherStore:
    store.upsert_nodes(
        [
            grid(1, "幸福社区"),
            grid(2, "幸福社区第1网格"),
            grid(3, "幸福社区第2网格"),
            building(1, "幸福里1栋"),
            building(2, "幸福里2栋"),
            household(1),
            household(2),
            household(3),
        ]
        + [
            resident(
                n,
                name,
                gender="male" if n % 2 else "female",
                birth_date=f"{1950 + n * 8}-05-01",
                tags=["elderly_living_alone"] if n == 0 else (["minor"] if n == 7 else []),
            )
            for n, name in enumerate(NAMES)
        ],
        PROV,
    )
    store.upsert_edges(
        [
            edge("PART_OF", "Grid:G00002", "Grid:G00001"),
            edge("PART_OF", "Grid:G00003", "Grid:G00001"),
            edge("IN_GRID", "Building:B000001", "Grid:G00002"),
            edge("IN_GRID", "Building:B000002", "Grid:G00003"),
            edge("RESIDES_IN", "Household:H0000001", "Building:B000001", unit="1", room="101"),
            edge("RESIDES_IN", "Household:H0000002", "Building:B000001", unit="1", room="102"),
            edge("RESIDES_IN", "Household:H0000003", "Building:B000002", unit="2", room="201"),
        ]
        + [
            edge(
                "MEMBER_OF",
                f"Resident:R{n:08d}",
                f"Household:H000000{n % 3 + 1}",
                role="head" if n < 3 else "child",
            )
            for n in range(8)
        ],
        PROV,
    )
    return store


def ids(page: object) -> list[str]:
    return [r.id for r in page.records]  # type: ignore[attr-defined]


def test_pages_forward_and_backward_by_id(town: CypherStore) -> None:
    first = town.list_nodes(Label.RESIDENT, first=3)
    assert ids(first) == ["R00000000", "R00000001", "R00000002"]
    assert first.has_next and not first.has_previous
    second = town.list_nodes(Label.RESIDENT, first=3, after=first.keys[-1])
    assert ids(second) == ["R00000003", "R00000004", "R00000005"]
    assert second.has_previous
    last = town.list_nodes(Label.RESIDENT, first=3, after=second.keys[-1])
    assert ids(last) == ["R00000006", "R00000007"] and not last.has_next
    back = town.list_nodes(Label.RESIDENT, last=2, before=last.keys[0])
    assert ids(back) == ["R00000004", "R00000005"] and back.has_previous and back.has_next
    assert ids(town.list_nodes(Label.RESIDENT, last=2)) == ["R00000006", "R00000007"]
    assert town.list_nodes(Label.RESIDENT, first=0).records == []


def test_ordering_by_a_field_with_ties_broken_by_id(town: CypherStore) -> None:
    page = town.list_nodes(Label.RESIDENT, order_by="birth_date", descending=True, first=3)
    assert ids(page) == ["R00000007", "R00000006", "R00000005"]
    more = town.list_nodes(
        Label.RESIDENT, order_by="birth_date", descending=True, first=3, after=page.keys[-1]
    )
    assert ids(more) == ["R00000004", "R00000003", "R00000002"]
    with pytest.raises(InvalidInputError, match="orderBy"):
        town.list_nodes(Label.RESIDENT, order_by="phone", first=1)


def test_filters_combine(town: CypherStore) -> None:
    def matching(where: object) -> list[str]:
        return ids(town.list_nodes(Label.RESIDENT, where=where, first=100))  # type: ignore[arg-type]

    assert matching(Condition("gender", Op.EQ, "female")) == [
        "R00000000",
        "R00000002",
        "R00000004",
        "R00000006",
    ]
    assert matching(Condition("name", Op.CONTAINS, "娜")) == ["R00000001"]
    assert matching(Condition("name", Op.STARTS_WITH, "王")) == ["R00000002"]
    assert matching(Condition("name", Op.ENDS_WITH, "强")) == ["R00000007"]
    assert matching(Condition("id", Op.IN, ["R00000003", "R00000009"])) == ["R00000003"]
    assert matching(
        All(
            (
                Condition("birth_date", Op.GTE, "1990-01-01"),
                Condition("birth_date", Op.LT, "2000-01-01"),
            )
        )
    ) == ["R00000005", "R00000006"]
    assert matching(Condition("id", Op.LT, "R00000002")) == ["R00000000", "R00000001"]
    assert matching(Condition("tags", Op.HAS_ANY, ["minor", "elderly_living_alone"])) == [
        "R00000000",
        "R00000007",
    ]
    assert matching(
        AnyOf((Condition("name", Op.EQ, "张伟"), Condition("name", Op.EQ, "黄强")))
    ) == ["R00000000", "R00000007"]
    assert matching(Not(Condition("gender", Op.EQ, "female"))) == [
        "R00000001",
        "R00000003",
        "R00000005",
        "R00000007",
    ]
    assert town.count_where(Label.RESIDENT, Condition("gender", Op.EQ, "male")) == 4
    with pytest.raises(InvalidInputError, match=r"filter\.shoe"):
        matching(Condition("shoe", Op.EQ, 1))


def test_relationship_filters_follow_the_grid_hierarchy(town: CypherStore) -> None:
    in_grid = Related(
        (EdgeType.MEMBER_OF, EdgeType.RESIDES_IN, EdgeType.IN_GRID),
        Label.GRID,
        "G00003",
        max_parent_hops=3,
    )
    assert ids(town.list_nodes(Label.RESIDENT, where=in_grid, first=10)) == [
        "R00000002",
        "R00000005",
    ]
    community = Related(
        (EdgeType.MEMBER_OF, EdgeType.RESIDES_IN, EdgeType.IN_GRID),
        Label.GRID,
        "G00001",
        max_parent_hops=3,
    )
    assert town.count_where(Label.RESIDENT, community) == 8
    in_building = Related((EdgeType.RESIDES_IN,), Label.BUILDING, "B000001")
    assert ids(town.list_nodes(Label.HOUSEHOLD, where=in_building, first=10)) == [
        "H0000001",
        "H0000002",
    ]


def test_related_pages_for_many_parents_in_one_call(town: CypherStore) -> None:
    parents = [ref("Household:H0000001"), ref("Household:H0000002"), ref("Household:H0000003")]
    pages = town.related(parents, EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT, first=2)
    assert [i.node.id for i in pages[parents[0]].items] == ["R00000000", "R00000003"]
    assert pages[parents[0]].total == 3 and pages[parents[0]].has_next
    assert pages[parents[0]].items[0].edge_props["role"] == "head"
    assert pages[parents[2]].total == 2 and not pages[parents[2]].has_next
    after = town.related(
        parents[:1], EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT, first=2, after="R00000003"
    )[parents[0]]
    assert [i.node.id for i in after.items] == ["R00000006"] and after.has_previous
    back = town.related(
        parents[:1], EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT, last=1, before="R00000006"
    )[parents[0]]
    assert [i.node.id for i in back.items] == ["R00000003"] and back.has_previous
    females = town.related(
        parents,
        EdgeType.MEMBER_OF,
        Direction.IN,
        Label.RESIDENT,
        where=Condition("gender", Op.EQ, "female"),
    )
    assert [i.node.id for i in females[parents[1]].items] == ["R00000004"]
    empty = town.related([ref("Building:B000002")], EdgeType.IN_GRID, Direction.IN, Label.GRID)
    assert empty[ref("Building:B000002")].total == 0


def test_related_pages_walk_each_parent_forward_and_back_to_the_full_list(
    town: CypherStore,
) -> None:
    parents = [ref(f"Household:H000000{n}") for n in (1, 2, 3)]
    full = town.related(parents, EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT)
    for parent in parents:
        everyone = [i.node.id for i in full[parent].items]
        assert everyone == sorted(everyone) and full[parent].total == len(everyone)
        forward: list[str] = []
        cursor: str | None = None
        while True:
            page = town.related(
                [parent], EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT, first=1, after=cursor
            )[parent]
            assert page.total == len(everyone) and page.has_previous == (cursor is not None)
            forward += [i.node.id for i in page.items]
            if not page.has_next:
                break
            cursor = page.items[-1].node.id
        assert forward == everyone
        backward: list[str] = []
        cursor = None
        while True:
            page = town.related(
                [parent], EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT, last=1, before=cursor
            )[parent]
            assert page.has_next == (cursor is not None)
            backward = [i.node.id for i in page.items] + backward
            if not page.has_previous:
                break
            cursor = page.items[0].node.id
        assert backward == everyone


def test_lives_alone_is_read_from_household_membership(town: CypherStore) -> None:
    town.upsert_nodes([household(4), resident(8, "孙丽"), resident(9, "周杰")], PROV)
    town.upsert_edges(
        [
            edge("RESIDES_IN", "Household:H0000004", "Building:B000002", unit="2", room="202"),
            edge("MEMBER_OF", "Resident:R00000008", "Household:H0000004", role="head"),
        ],
        PROV,
    )
    # R8 is the only member of H4; R9 has no household; everyone else shares one.
    alone = town.list_nodes(Label.RESIDENT, LivesAlone(), first=20)
    assert ids(alone) == ["R00000008"]
    assert town.count_where(Label.RESIDENT, LivesAlone()) == 1
    others = town.list_nodes(Label.RESIDENT, Not(LivesAlone()), first=20)
    assert "R00000008" not in ids(others) and len(ids(others)) == 9
    in_grid = All(
        (
            LivesAlone(),
            Related(
                (EdgeType.MEMBER_OF, EdgeType.RESIDES_IN, EdgeType.IN_GRID), Label.GRID, "G00001", 3
            ),
        )
    )
    assert ids(town.list_nodes(Label.RESIDENT, in_grid, first=20)) == ["R00000008"]
    either = AnyOf((LivesAlone(), Condition("name", Op.EQ, "周杰")))
    assert ids(town.list_nodes(Label.RESIDENT, either, first=1)) == ["R00000008"]
    page2 = town.list_nodes(Label.RESIDENT, either, first=1, after=("R00000008", "R00000008"))
    assert ids(page2) == ["R00000009"]
    parents = [ref("Household:H0000001"), ref("Household:H0000004")]
    pages = town.related(parents, EdgeType.MEMBER_OF, Direction.IN, Label.RESIDENT, LivesAlone())
    assert pages[parents[0]].total == 0
    assert [i.node.id for i in pages[parents[1]].items] == ["R00000008"]
    assert pages[parents[1]].items[0].edge_props["role"] == "head"
    with pytest.raises(InvalidInputError, match="livesAlone"):
        town.list_nodes(Label.BUILDING, LivesAlone(), first=5)


def test_grid_statistics_roll_up_the_hierarchy(town: CypherStore) -> None:
    from datetime import UTC, datetime

    from graph.model import Incident

    town.upsert_nodes(
        [
            Incident(
                id="I1",
                category="fire",
                status="dispatched",
                reported_at="2026-01-01T00:00:00Z",
                deadline_at="2026-01-02T00:00:00Z",
            ),
            Incident(
                id="I2", category="noise", status="closed", reported_at="2026-01-01T00:00:00Z"
            ),
            Incident(
                id="I3", category="noise", status="reported", reported_at="2026-01-01T00:00:00Z"
            ),
        ],
        PROV,
    )
    town.upsert_edges(
        [
            edge("OCCURRED_AT", "Incident:I1", "Building:B000001"),
            edge("OCCURRED_AT", "Incident:I2", "Building:B000002"),
            edge("OCCURRED_AT", "Incident:I3", "Grid:G00003"),
        ],
        PROV,
    )
    stats = town.grid_statistics(
        ["G00001", "G00002", "G00003"], now=datetime(2026, 3, 1, tzinfo=UTC)
    )
    community, first, second = stats["G00001"], stats["G00002"], stats["G00003"]
    assert (community.buildings, community.households, community.residents) == (2, 3, 8)
    assert (first.buildings, first.households, first.residents) == (1, 2, 6)
    assert community.residents_by_tag == {"elderly_living_alone": 1, "minor": 1}
    assert community.open_incidents_by_status == {"dispatched": 1, "reported": 1}
    assert community.open_incidents_by_category == {"fire": 1, "noise": 1}
    assert community.overdue_incidents == 1
    assert second.open_incidents_by_status == {"reported": 1} and second.overdue_incidents == 0


def test_age_statistics_count_birthdays_to_the_day(town: CypherStore) -> None:
    from datetime import date

    residents = town.list_nodes(Label.RESIDENT, first=500).records
    births = [date.fromisoformat(r.props["birth_date"]) for r in residents]
    assert births
    for on in (date(2026, 3, 4), date(2026, 3, 5), *(b.replace(year=2030) for b in births[:3])):
        ages = [on.year - b.year - ((on.month, on.day) < (b.month, b.day)) for b in births]
        stats = town.aggregate(Label.RESIDENT, None, AgesOf("birth_date", on))
        assert (stats["count"], stats["min"], stats["max"], stats["sum"]) == (
            len(ages),
            min(ages),
            max(ages),
            sum(ages),
        ), on
