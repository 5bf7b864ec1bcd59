"""A tree of relationship lists in one query, on both engines: every nested page is the page
that asking for it alone gives."""

from __future__ import annotations

from graph.cypher.store import CypherStore
from graph.filters import Condition, LivesAlone, Op
from graph.model import EdgeType, Label
from graph.records import Branch, Direction, RelatedPage
from tests.factories import ref
from tests.graph.test_listing_contract import town  # noqa: F401  (the fixture)

IN = Direction.IN


def same_as_alone(store: CypherStore, parent: object, branch: Branch, page: RelatedPage) -> int:
    """Check `page` (and every page nested in it) against a plain `related` call; returns how
    many pages were checked."""
    alone = store.related(
        [parent],  # type: ignore[list-item]
        branch.edge_type,
        branch.direction,
        branch.target,
        branch.where,
        branch.first,
        branch.after,
        branch.last,
        branch.before,
    )[parent]  # type: ignore[index]
    assert [i.node.id for i in page.items] == [i.node.id for i in alone.items]
    assert [i.edge_props for i in page.items] == [i.edge_props for i in alone.items]
    assert [i.node.props for i in page.items] == [i.node.props for i in alone.items]
    assert (page.total, page.has_next, page.has_previous) == (
        alone.total,
        alone.has_next,
        alone.has_previous,
    )
    checked = 1
    for item in page.items:
        for child in branch.children:
            checked += same_as_alone(store, item.node.ref, child, item.nested[child.key])
    return checked


def test_grid_buildings_households_members_in_one_query(town: CypherStore) -> None:  # noqa: F811
    members = Branch("members", EdgeType.MEMBER_OF, IN, Label.RESIDENT, first=2)
    women = Branch(
        "women",
        EdgeType.MEMBER_OF,
        IN,
        Label.RESIDENT,
        where=Condition("gender", Op.EQ, "female"),
        last=1,
    )
    alone = Branch("alone", EdgeType.MEMBER_OF, IN, Label.RESIDENT, where=LivesAlone())
    households = Branch(
        "households",
        EdgeType.RESIDES_IN,
        IN,
        Label.HOUSEHOLD,
        first=1,
        children=(members, women, alone),
    )
    later = Branch("later", EdgeType.RESIDES_IN, IN, Label.HOUSEHOLD, first=5, after="H0000001")
    buildings = Branch(
        "buildings",
        EdgeType.IN_GRID,
        IN,
        Label.BUILDING,
        first=5,
        children=(households, later),
    )
    grids = [ref("Grid:G00002"), ref("Grid:G00003"), ref("Grid:G00009")]
    pages = town.related_tree(grids, buildings)
    checked = sum(same_as_alone(town, grid, buildings, pages[grid]) for grid in grids)
    # a page per grid, two per building, three per household on a first page
    assert checked == 3 + 2 * 2 + 2 * 3
    first = pages[grids[0]].items[0]
    assert [h.node.id for h in first.nested["households"].items] == ["H0000001"]
    assert first.nested["households"].has_next and first.nested["households"].total == 2
    assert [h.node.id for h in first.nested["later"].items] == ["H0000002"]
    assert pages[grids[2]].total == 0 and pages[grids[2]].items == []


def test_a_tree_costs_one_round_trip(town: CypherStore) -> None:  # noqa: F811
    from graph.metrics import STORE_QUERIES

    tree = Branch(
        "buildings",
        EdgeType.IN_GRID,
        IN,
        Label.BUILDING,
        children=(
            Branch(
                "households",
                EdgeType.RESIDES_IN,
                IN,
                Label.HOUSEHOLD,
                children=(Branch("members", EdgeType.MEMBER_OF, IN, Label.RESIDENT),),
            ),
        ),
    )
    reads = STORE_QUERIES.labels(town.engine, "read")
    before = reads._value.get()
    pages = town.related_tree([ref("Grid:G00002"), ref("Grid:G00003")], tree)
    assert reads._value.get() - before == 1
    everyone = {
        m.node.id
        for page in pages.values()
        for b in page.items
        for h in b.nested["households"].items
        for m in h.nested["members"].items
    }
    assert len(everyone) == 8


def test_a_node_with_its_tree_in_one_round_trip(town: CypherStore) -> None:  # noqa: F811
    from graph.metrics import STORE_QUERIES

    members = Branch("members", EdgeType.MEMBER_OF, IN, Label.RESIDENT, first=2)
    households = Branch(
        "households", EdgeType.RESIDES_IN, IN, Label.HOUSEHOLD, first=1, children=(members,)
    )
    buildings = Branch(
        "buildings", EdgeType.IN_GRID, IN, Label.BUILDING, first=5, children=(households,)
    )
    grid = ref("Grid:G00002")
    reads = STORE_QUERIES.labels(town.engine, "read")
    before = reads._value.get()
    found = town.node_tree(grid, [buildings])
    assert reads._value.get() - before == 1
    assert found is not None
    assert found.node == town.get_nodes([grid])[grid]
    # one building, its first household, that household's members
    assert same_as_alone(town, grid, buildings, found.nested["buildings"]) == 3
    assert town.node_tree(ref("Grid:G99999"), [buildings]) is None
    assert town.node_tree(grid, []) is not None


def test_uncounted_branches_and_projected_fields(town: CypherStore) -> None:  # noqa: F811
    grid = ref("Grid:G00002")
    members = Branch(
        "members",
        EdgeType.MEMBER_OF,
        IN,
        Label.RESIDENT,
        first=1,
        count=False,
        fields=("name",),
        edge_props=False,
    )
    households = Branch(
        "households", EdgeType.RESIDES_IN, IN, Label.HOUSEHOLD, children=(members,), fields=()
    )
    buildings = Branch(
        "buildings", EdgeType.IN_GRID, IN, Label.BUILDING, children=(households,), count=False
    )
    found = town.node_tree(grid, [buildings], fields=("name", "level"))
    assert found is not None
    assert set(found.node.props) == {"name", "level"}
    page = found.nested["buildings"]
    assert page.total is None and page.items
    household_pages = [b.nested["households"] for b in page.items]
    assert all(p.total is not None for p in household_pages)
    residents = [m for p in household_pages for h in p.items for m in h.nested["members"].items]
    assert residents and all(set(m.node.props) == {"name"} for m in residents)
    assert all(m.edge_props == {} for m in residents)  # a member's role is not read
    assert all(m.node.label == Label.RESIDENT for m in residents)
    everything = town.get_nodes([m.node.ref for m in residents])
    assert all(m.node.props["name"] == everything[m.node.ref].props["name"] for m in residents)
    households_props = [h.node.props for p in household_pages for h in p.items]
    assert households_props and all(props == {} for props in households_props)


def test_a_list_page_with_its_trees_in_one_round_trip(town: CypherStore) -> None:  # noqa: F811
    from graph.metrics import STORE_QUERIES

    members = Branch("members", EdgeType.MEMBER_OF, IN, Label.RESIDENT, first=2)
    households = Branch(
        "households", EdgeType.RESIDES_IN, IN, Label.HOUSEHOLD, first=1, children=(members,)
    )
    buildings = Branch(
        "buildings", EdgeType.IN_GRID, IN, Label.BUILDING, children=(households,), count=False
    )
    reads = STORE_QUERIES.labels(town.engine, "read")
    for descending in (False, True):
        before = reads._value.get()
        page = town.list_nodes(
            Label.GRID, None, "name", descending, first=4, branches=[buildings], fields=("name",)
        )
        assert reads._value.get() - before == 1
        plain = town.list_nodes(Label.GRID, None, "name", descending, first=4)
        assert [r.id for r in page.records] == [r.id for r in plain.records]
        assert page.keys == plain.keys and page.has_next == plain.has_next
        assert all(set(r.props) == {"name"} for r in page.records)
        assert len(page.nested) == len(page.records)
        for record, nested in zip(page.records, page.nested, strict=True):
            alone = town.node_tree(record.ref, [buildings])
            assert alone is not None
            got = nested["buildings"]
            want = alone.nested["buildings"]
            assert [i.node.id for i in got.items] == [i.node.id for i in want.items]
            assert got == want
    assert town.list_nodes(Label.GRID, first=2).nested == []


def test_a_branch_ordered_by_a_field_pages_through_its_cursors(
    town: CypherStore,  # noqa: F811
) -> None:
    household = ref("Household:H0000001")
    everyone = Branch("all", EdgeType.MEMBER_OF, IN, Label.RESIDENT, order_by="name")
    found = town.node_tree(household, [everyone])
    assert found is not None
    names = [(i.node.props["name"], i.node.id) for i in found.nested["all"].items]
    assert (
        len(names) == 3
        and names == sorted(names)
        and [i.sort for i in found.nested["all"].items] == [n for n, _ in names]
    )
    for descending in (False, True):
        wanted = sorted(names, reverse=descending)
        seen: list[tuple[str, str]] = []
        after = None
        while True:
            branch = Branch(
                "b",
                EdgeType.MEMBER_OF,
                IN,
                Label.RESIDENT,
                first=1,
                after=after,
                order_by="name",
                descending=descending,
            )
            page = town.node_tree(household, [branch]).nested["b"]  # type: ignore[union-attr]
            seen += [(i.sort, i.node.id) for i in page.items]
            if not page.has_next:
                break
            after = seen[-1]
        assert seen == wanted
        last = Branch(
            "b",
            EdgeType.MEMBER_OF,
            IN,
            Label.RESIDENT,
            last=1,
            order_by="name",
            descending=descending,
            before=wanted[-1] if len(wanted) > 1 else None,
        )
        tail = town.node_tree(household, [last]).nested["b"]  # type: ignore[union-attr]
        expected = wanted[-2:-1] if len(wanted) > 1 else wanted[-1:]
        assert [(i.sort, i.node.id) for i in tail.items] == expected
