"""Every filter field of every type combined with every other (AND, OR, AND NOT), on both
engines, compared with a scan of the stored data evaluated here in Python."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from graph.model import EdgeType, Label
from tests.api.conftest import data
from tests.api.filter_atoms import ROOTS, Scan, atoms_of, combinations, scan_of
from tests.auth import stating_purpose


def mismatches(client: TestClient, label: Label, scan: Scan) -> list[str]:
    root, _ = ROOTS[label]
    nodes = scan.nodes[label]
    assert len(nodes) <= 500, "the comparison reads one page"
    atoms = atoms_of(label, scan)
    cases = list(combinations(atoms))
    assert cases, label
    wrong = []
    for start in range(0, len(cases), 25):
        chunk = cases[start : start + 25]
        fields = " ".join(
            f"c{n}: {root}(first: 500, filter: {text}) {{ totalCount nodes {{ id }} }}"
            for n, (text, _) in enumerate(chunk)
        )
        answer = data(client, f"{{ {fields} }}")
        for n, (text, test) in enumerate(chunk):
            expected = sorted(node_id for node_id, props in nodes.items() if test(props))
            got = answer[f"c{n}"]
            ids = [f"{label.value}:{node_id}" for node_id in expected]
            if got["totalCount"] != len(expected) or [x["id"] for x in got["nodes"]] != ids:
                wrong.append(f"{root}({text}): {got['totalCount']} != {len(expected)}")
    return wrong


def split_a_grid(client: TestClient) -> None:
    """Move one building of the demo's only leaf grid into a new sibling grid, so that grid
    filters tell nodes apart (a small demo community fits in one grid), and give it a rental
    risk level, and add a hotline petition with a title and a nature and an incident recorded
    at a grid (which the small demo may not draw)."""
    scan = scan_of(client)
    parents = {b for _, b in scan.edges[EdgeType.PART_OF]}
    leaf, parent = next((a, b) for a, b in sorted(scan.edges[EdgeType.PART_OF]) if a not in parents)
    building = sorted(b for b, g in scan.edges[EdgeType.IN_GRID] if g == leaf)[0]
    link = """mutation ($t: RelationshipType!, $f: ID!, $to: ID!) {
      link(type: $t, from: $f, to: $to) { errors { message } } }"""
    unlink = """mutation ($t: RelationshipType!, $f: ID!, $to: ID!) {
      unlink(type: $t, from: $f, to: $to) { errors { message } } }"""
    steps = [
        data(
            client,
            'mutation { upsertGrid(input: {id: "G99999", name: "新网格", level: GRID}) '
            "{ errors { message } } }",
        )["upsertGrid"],
        data(client, link, t="PART_OF", f="Grid:G99999", to=f"Grid:{parent}")["link"],
        data(client, unlink, t="IN_GRID", f=f"Building:{building}", to=f"Grid:{leaf}")["unlink"],
        data(client, link, t="IN_GRID", f=f"Building:{building}", to="Grid:G99999")["link"],
        data(
            client,
            'mutation { upsertPetition(input: {id: "P99999", text: "楼道灯坏了，请尽快维修", '
            'title: "楼道灯", nature: COMPLAINT, sourceCategory: "城乡建设"}) '
            "{ errors { message } } }",
        )["upsertPetition"],
        data(
            client,
            f'mutation {{ upsertBuilding(input: {{id: "{building}", name: "出租楼", '
            "use: MIXED, rentalRiskLevel: STRICT}) { errors { message } } }",
        )["upsertBuilding"],
        data(
            client,
            'mutation { reportIncident(input: {category: ENVIRONMENT, place: "Grid:G99999", '
            'description: "网格内垃圾堆放"}) { errors { message } } }',
        )["reportIncident"],
    ]
    assert all(step["errors"] == [] for step in steps)


def test_every_pair_of_filter_fields_matches_a_scan(client: TestClient) -> None:
    split_a_grid(client)
    scan = scan_of(client)
    wrong: list[str] = []
    with stating_purpose(client):  # the tags filter among them
        for label in Label:
            wrong.extend(mismatches(client, label, scan))
    assert wrong == [], "\n".join(wrong)


def test_the_pairs_reach_every_filter_field(client: TestClient) -> None:
    """The generator is not silently thin: every field yields an atom that some node meets
    and some node fails."""
    split_a_grid(client)
    scan = scan_of(client)
    for label in Label:
        _, filter_type = ROOTS[label]
        names = {f.name for f in dataclasses.fields(filter_type)} - {"and_", "or_", "not_"}
        atoms = atoms_of(label, scan)
        nodes = list(scan.nodes[label].values())
        for name in names:
            gql = "".join(p.title() if i else p for i, p in enumerate(name.split("_")))
            mine = [a for a in atoms if a.text.startswith(f"{gql}:")]
            assert mine, f"{label}.{name}"
            assert any(a.test(p) for a in mine for p in nodes), f"{label}.{name} matches none"
            assert any(not a.test(p) for a in mine for p in nodes), f"{label}.{name} matches all"
