"""Aggregates of filtered root lists on both engines, checked against the listed nodes:
count, groupBy (enumerations, tag lists, yes/no) and numbers."""

from __future__ import annotations

from collections import Counter
from statistics import mean

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import data, gql


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    """The module's tests only read: they share one demo-loaded API per engine."""
    return shared_client


def test_count_and_groups_agree_with_the_list(client: TestClient) -> None:
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
