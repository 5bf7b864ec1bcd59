"""Aggregates of filtered root lists and of relationships on both engines, checked against
the listed nodes: count, groupBy (enumerations, tag lists, yes/no), numbers and ages."""

from __future__ import annotations

from collections import Counter
from statistics import mean

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import data, gql, store_queries
from tests.auth import stating_purpose


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    """The module's tests only read: they share one demo-loaded API per engine."""
    return shared_client


def test_count_and_groups_agree_with_the_list(client: TestClient) -> None:
    with stating_purpose(client):
        groups_and_filters_agree(client)


def groups_and_filters_agree(client: TestClient) -> None:
    answer = data(
        client,
        """{ residents(first: 500, filter: {age: {min: 30}}) { totalCount nodes { gender } }
             residentsAggregate(filter: {age: {min: 30}}) {
               count
               byGender: groupBy(field: GENDER) { key count }
               byTag: groupBy(field: TAGS) { key count } } }""",
    )
    listed = answer["residents"]
    aggregate = answer["residentsAggregate"]
    assert aggregate["count"] == listed["totalCount"] > 0
    genders = Counter(n["gender"].lower() if n["gender"] else None for n in listed["nodes"])
    assert {g["key"]: g["count"] for g in aggregate["byGender"]} == dict(genders)
    counts = [g["count"] for g in aggregate["byGender"]]
    assert counts == sorted(counts, reverse=True)
    # Tags are not shown, but each tag's count is what the tag filter counts.
    assert aggregate["byTag"]
    for group in aggregate["byTag"]:
        tag = group["key"].upper()
        tagged = data(
            client,
            f"{{ residents(filter: {{age: {{min: 30}}, tags: {{hasAny: [{tag}]}}}}) "
            "{ totalCount } }",
        )
        assert tagged["residents"]["totalCount"] == group["count"], group


def test_numbers_and_yes_no_groups_of_buildings(client: TestClient) -> None:
    answer = data(
        client,
        """{ buildings(first: 500) { nodes { floors hasElevator } }
             buildingsAggregate {
               count
               numbers(field: FLOORS) { count min max avg sum }
               lifts: groupBy(field: HAS_ELEVATOR) { key count } } }""",
    )
    nodes = answer["buildings"]["nodes"]
    floors = [n["floors"] for n in nodes if n["floors"] is not None]
    stats = answer["buildingsAggregate"]["numbers"]
    assert answer["buildingsAggregate"]["count"] == len(nodes)
    assert (stats["count"], stats["min"], stats["max"], stats["sum"]) == (
        len(floors),
        min(floors),
        max(floors),
        sum(floors),
    )
    assert stats["avg"] == pytest.approx(mean(floors))
    lifts = Counter(
        None if n["hasElevator"] is None else str(n["hasElevator"]).lower() for n in nodes
    )
    assert {g["key"]: g["count"] for g in answer["buildingsAggregate"]["lifts"]} == dict(lifts)


def test_an_empty_match_and_a_field_that_cannot_be_grouped(client: TestClient) -> None:
    none = data(
        client,
        """{ incidentsAggregate(filter: {description: {eq: "没有这样的事件"}}) {
             count byStatus: groupBy(field: STATUS) { key count } } }""",
    )["incidentsAggregate"]
    assert none == {"count": 0, "byStatus": []}
    refused = gql(client, "{ residentsAggregate { groupBy(field: NAME) { key } } }")
    assert refused["errors"] and "NAME" in refused["errors"][0]["message"]


def test_ages_agree_with_the_listed_residents(client: TestClient) -> None:
    for where in ("{}", "{gender: {eq: FEMALE}, age: {min: 20, max: 60}}", "{livesAlone: true}"):
        answer = data(
            client,
            f"""{{ residents(first: 500, filter: {where}) {{ nodes {{ age }} }}
                 residentsAggregate(filter: {where}) {{ age {{ count min max avg sum }} }} }}""",
        )
        ages = [n["age"] for n in answer["residents"]["nodes"] if n["age"] is not None]
        stats = answer["residentsAggregate"]["age"]
        assert ages, where
        assert stats["count"] == len(ages)
        assert (stats["min"], stats["max"], stats["sum"]) == (min(ages), max(ages), sum(ages))
        assert stats["avg"] == pytest.approx(mean(ages))
    empty = data(
        client, '{ residentsAggregate(filter: {name: {eq: "无此人"}}) { age { count avg } } }'
    )
    assert empty["residentsAggregate"]["age"] == {"count": 0, "avg": None}


ADULTS = "{age: {min: 18}}"


def test_relationship_aggregates_agree_with_each_parents_list(client: TestClient) -> None:
    before = store_queries()
    answer = data(
        client,
        f"""{{ buildings(first: 20) {{ nodes {{ id
             households(first: 50) {{ totalCount nodes {{ id
               members(first: 20, filter: {ADULTS}) {{ totalCount nodes {{ gender age }} }}
               membersAggregate(filter: {ADULTS}) {{
                 count byGender: groupBy(field: GENDER) {{ key count }} age {{ count min max }}
               }} }} }}
             householdsAggregate {{ count }} }} }} }}""",
    )
    spent = store_queries() - before
    buildings = answer["buildings"]["nodes"]
    households = [h for b in buildings for h in b["households"]["nodes"]]
    assert len(households) > 20 and any(h["members"]["totalCount"] for h in households)
    for building in buildings:
        assert building["householdsAggregate"] == {"count": building["households"]["totalCount"]}
    for household in households:
        members, aggregate = household["members"], household["membersAggregate"]
        assert aggregate["count"] == members["totalCount"], household["id"]
        genders = Counter(n["gender"].lower() if n["gender"] else None for n in members["nodes"])
        assert {g["key"]: g["count"] for g in aggregate["byGender"]} == dict(genders)
        ages = [n["age"] for n in members["nodes"] if n["age"] is not None]
        assert aggregate["age"] == {
            "count": len(ages),
            "min": min(ages) if ages else None,
            "max": max(ages) if ages else None,
        }, household["id"]
    # Each measure costs one round trip for every parent at its level (4 here), beside the
    # lists' own, however many parents there are.
    assert spent <= 4 + 3, spent


def test_relationship_aggregates_follow_the_edges_direction(client: TestClient) -> None:
    answer = data(
        client,
        """{ grids(first: 50) { nodes { id
             buildings(first: 200) { totalCount nodes { floors } }
             buildingsAggregate { count numbers(field: FLOORS) { count sum } }
             childrenAggregate { count }
             children(first: 100) { totalCount }
             parent { id childrenAggregate { count } } } } }""",
    )
    grids = answer["grids"]["nodes"]
    assert any(g["buildings"]["totalCount"] for g in grids)
    assert any(g["children"]["totalCount"] for g in grids)
    children_of = {g["id"]: g["children"]["totalCount"] for g in grids}
    for grid in grids:
        floors = [n["floors"] for n in grid["buildings"]["nodes"] if n["floors"] is not None]
        assert grid["buildingsAggregate"] == {
            "count": grid["buildings"]["totalCount"],
            "numbers": {"count": len(floors), "sum": sum(floors) if floors else None},
        }
        assert grid["childrenAggregate"]["count"] == grid["children"]["totalCount"]
        parent = grid["parent"]
        if parent and parent["id"] in children_of:
            assert parent["childrenAggregate"]["count"] == children_of[parent["id"]]


def test_a_relationship_aggregate_of_a_missing_parent_and_a_bad_filter(
    client: TestClient,
) -> None:
    answer = data(
        client,
        """{ node(id: "Household:没有") { ... on Household { membersAggregate { count } } } }""",
    )
    assert answer["node"] is None
    refused = gql(
        client,
        """{ households(first: 1) { nodes {
             membersAggregate(filter: {age: {min: "old"}}) { count } } } }""",
    )
    assert refused["errors"] and refused.get("data") is None
