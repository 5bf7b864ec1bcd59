"""The compiled read path answers exactly as the general executor does, on both engines: every
query here runs through HTTP (where the compiled path takes it) and through the Strawberry
schema directly over the same store, and the two answers must be equal."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi.testclient import TestClient
from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)

from api.auth.principal import Principal, Role
from api.compiled.asgi import COMPILED
from api.context import Context
from api.schema import build_schema
from graph.model import Label
from tests.api.conftest import store_queries

GENERAL = build_schema()

ADMIN = Principal("test-admin", Role.ADMIN)


@pytest.fixture
def client(shared_client: TestClient) -> TestClient:
    return shared_client


def answered(path: str) -> float:
    return COMPILED.labels(path)._value.get()


def both(client: TestClient, query: str, compiled: bool = True, **variables: Any) -> dict:
    """The compiled answer, checked against the general executor's; `compiled`: the compiled
    path must have taken the request (else it must have handed it on)."""
    before = answered("compiled")
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    took = answered("compiled") - before
    assert took == (1 if compiled else 0), f"compiled path took {took} of 1"
    store = client.app.state.opened.store  # type: ignore[attr-defined]
    general = asyncio.run(
        GENERAL.execute(query, variable_values=variables, context_value=Context(store, ADMIN))
    )
    assert not general.errors, general.errors
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == general.data
    assert list(body["data"]) == list(general.data or {})  # response keys in selection order
    return body["data"]


def leaf_fields(type_name: str) -> list[str]:
    """Every argument-free leaf field of an object type, as the schema declares it."""
    object_type = GENERAL._schema.get_type(type_name)
    assert isinstance(object_type, GraphQLObjectType)
    names = []
    for name, definition in object_type.fields.items():
        inner = definition.type
        while isinstance(inner, GraphQLNonNull | GraphQLList):
            inner = inner.of_type
        if isinstance(inner, GraphQLScalarType | GraphQLEnumType) and not definition.args:
            names.append(name)
    return names


def first_id(client: TestClient, root: str) -> str:
    found = client.post("/graphql", json={"query": f"{{ {root}(first: 1) {{ nodes {{ id }} }} }}"})
    return found.json()["data"][root]["nodes"][0]["id"]


ROOTS = {
    Label.RESIDENT: "residents",
    Label.HOUSEHOLD: "households",
    Label.BUILDING: "buildings",
    Label.GRID: "grids",
    Label.ORGANISATION: "organisations",
    Label.DEVICE: "devices",
    Label.INCIDENT: "incidents",
}
# Fields whose resolvers read an edge or aggregate (the general path answers them).
GENERAL_ONLY = {"unit", "room", "householdRole"}


@pytest.mark.parametrize("label", list(ROOTS), ids=lambda label: label.value)
def test_every_stored_field_of_every_type(client: TestClient, label: Label) -> None:
    fields = [f for f in leaf_fields(label.value) if f not in GENERAL_ONLY]
    query = (
        f"query ($id: ID!) {{ node(id: $id) {{ __typename ... on {label.value} {{ "
        f"{' '.join(fields)} provenance {{ source actor createdAt updatedAt sources }} }} }} }}"
    )
    found = both(client, query, id=first_id(client, ROOTS[label]))
    assert found["node"]["__typename"] == label.value
    listed = f"{{ {ROOTS[label]}(first: 7) {{ totalCount nodes {{ {' '.join(fields)} }} }} }}"
    page = both(client, listed)[ROOTS[label]]
    assert len(page["nodes"]) == min(7, page["totalCount"]) > 0


def test_a_field_the_planner_does_not_know_goes_to_the_general_path(client: TestClient) -> None:
    household = first_id(client, "households")
    query = "query ($id: ID!) { node(id: $id) { ... on Household { id unit } } }"
    both(client, query, False, id=household)
    both(client, "{ residents(first: 2) { nodes { id householdRole } } }", False)
    both(client, "{ __schema { queryType { name } } }", False)


def test_filtered_nested_lists(client: TestClient) -> None:
    query = """query ($tenure: Tenure, $gender: Gender) { buildings(first: 10) { nodes { id
      households(first: 20, filter: {tenure: {eq: $tenure}}) { totalCount nodes { id tenure
        women: members(first: 5, filter: {gender: {eq: $gender}}) { totalCount nodes { id } }
        alone: members(filter: {livesAlone: true}) { totalCount nodes { id } }
        renting: members(filter: {household: {tenure: {eq: RENTED}}}) { totalCount }
        grownUps: members(filter: {OR: [{age: {min: 18}}, {NOT: {gender: {eq: MALE}}}]}) {
          nodes { id age gender } } } } } } }"""
    found = both(client, query, tenure="RENTED", gender="FEMALE")
    households = [h for b in found["buildings"]["nodes"] for h in b["households"]["nodes"]]
    assert households and all(h["tenure"] == "RENTED" for h in households)
    assert any(h["women"]["nodes"] for h in households)
    both(client, query, tenure="OWNED", gender="MALE")


NESTED = """query ($id: ID!, $b: Int, $h: Int, $after: String) {
  grid: node(id: $id) {
    __typename id
    ... on Grid {
      name level parent { id name }
      buildings(first: $b) {
        __typename totalCount
        pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }
        edges {
          __typename cursor
          node {
            name hasElevator grid { id }
            households(first: $h, after: $after) {
              totalCount
              nodes {
                id tenure floor
                building { name }
                members(first: 20) { nodes { id name age gender household { id } } }
              }
            }
          }
        }
      }
    }
  }
}"""


def test_a_nested_tree_is_one_store_query(client: TestClient) -> None:
    grids = both(client, "{ grids(first: 50, filter: {level: {eq: GRID}}) { nodes { id } } }")
    grid = grids["grids"]["nodes"][0]["id"]
    before = store_queries()
    response = client.post(
        "/graphql", json={"query": NESTED, "variables": {"id": grid, "b": 3, "h": 2}}
    )
    assert store_queries() - before == 1, "grid → buildings → households → members"
    assert "errors" not in response.json()
    tree = both(client, NESTED, id=grid, b=3, h=2)
    households = tree["grid"]["buildings"]["edges"][0]["node"]["households"]
    assert households["nodes"], "the demo grid has households"
    listed = """{ grids(first: 5) { nodes { id name
      buildings(first: 5) { nodes { id households(first: 10) { nodes { id
      members(first: 10) { nodes { id name } } } } } } } } }"""
    before = store_queries()
    client.post("/graphql", json={"query": listed})
    assert store_queries() - before == 1, "five grids and their trees"
    assert len(both(client, listed)["grids"]["nodes"]) == 4  # the whole demo hierarchy


def test_pages_forward_and_back_through_nested_lists(client: TestClient) -> None:
    building = first_id(client, "buildings")
    query = """query ($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
      node(id: $id) { ... on Building { households(first: $first, after: $after, last: $last,
        before: $before) { totalCount edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""
    seen = []
    after = None
    while True:
        page = both(client, query, id=building, first=2, after=after)["node"]["households"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == len(set(seen))
    tail = both(client, query, id=building, last=1)["node"]["households"]
    assert [e["node"]["id"] for e in tail["edges"]] == seen[-1:]
    if len(seen) > 1:
        before = both(client, query, id=building, last=5, before=tail["pageInfo"]["startCursor"])
        assert [e["node"]["id"] for e in before["node"]["households"]["edges"]] == seen[-6:-1]


def test_root_lists_with_filters_orders_and_cursors(client: TestClient) -> None:
    query = """query ($f: ResidentFilter, $o: ResidentOrder, $after: String, $first: Int) {
      residents(filter: $f, orderBy: $o, after: $after, first: $first) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id name age gender household { id building { name } } } } } }"""
    order = {"field": "NAME", "direction": "DESC"}
    women = {"gender": {"eq": "FEMALE"}, "age": {"min": 30}}
    first = both(client, query, f=women, o=order, first=10)["residents"]
    assert first["totalCount"] > 10
    second = both(client, query, f=women, o=order, first=10, after=first["pageInfo"]["endCursor"])
    ids = [e["node"]["id"] for e in first["edges"] + second["residents"]["edges"]]
    assert len(set(ids)) == 20
    both(
        client,
        '{ buildings(filter: {OR: [{name: {contains: "1"}}, {address: {endsWith: "号"}}]})'
        " { nodes { id name address } } }",
    )
    both(client, "{ residents(filter: {livesAlone: true}, last: 3) { nodes { id } totalCount } }")


def test_fragments_aliases_and_typenames(client: TestClient) -> None:
    resident = first_id(client, "residents")
    query = """query Q($id: ID!) { __typename
      a: node(id: $id) { ...Who ... on Node { version } }
      b: node(id: $id) { __typename ... on Household { id } }
      missing: node(id: "Resident:R99999999") { id }
    }
    fragment Who on Resident { who: name years: age home: household { ... on Household { id } } }"""
    found = both(client, query, id=resident)
    assert found["missing"] is None and found["b"] == {"__typename": "Resident"}
    assert set(found["a"]) == {"who", "years", "home", "version"}


def test_bad_arguments_are_reported_by_the_general_path(client: TestClient) -> None:
    for query in (
        '{ node(id: "nonsense") { id } }',
        "{ residents(first: 100000) { nodes { id } } }",
        '{ residents(after: "not-a-cursor") { nodes { id } } }',
    ):
        before = answered("compiled")
        body = client.post("/graphql", json={"query": query}).json()
        assert body.get("errors") and answered("compiled") == before, body


def test_the_compiled_path_speaks_graphql_over_http(client: TestClient) -> None:
    query = {"query": "{ residents(first: 1) { nodes { id name } } }"}
    before = answered("compiled")
    negotiated = client.post(
        "/graphql",
        json=query,
        headers={"accept": "application/graphql-response+json", "x-request-id": "req-42"},
    )
    plain = client.post("/graphql", json=query, headers={"accept": "application/json"})
    assert answered("compiled") - before == 2
    assert negotiated.headers["content-type"] == "application/graphql-response+json"
    assert plain.headers["content-type"] == "application/json"
    assert negotiated.headers["x-request-id"] == "req-42"
    assert negotiated.json() == plain.json()
    assert "\\u" not in plain.text and any(ord(c) > 0x4E00 for c in plain.text)  # UTF-8 as is
    metrics = client.get("/metrics").text
    assert 'civicgraph_http_requests_total{method="POST",route="/graphql",status="200"}' in metrics
    # a body that is not JSON, and a GET, are the general path's to answer
    broken = client.post("/graphql", content=b"{", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and broken.json()["errors"]
    got = client.get("/graphql", params=query, headers={"accept": "application/json"})
    assert got.status_code == 200 and got.json() == plain.json()


ORDERED = """query ($id: ID!, $order: ResidentOrder, $first: Int, $after: String, $last: Int,
  $before: String) { node(id: $id) { ... on Building { households(first: 50) { nodes { id
  members(orderBy: $order, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { id name age } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } } } }"""


def test_nested_lists_ordered_by_a_field_page_both_ways(client: TestClient) -> None:
    building = first_id(client, "buildings")
    for order in ({"field": "NAME"}, {"field": "BIRTH_DATE", "direction": "DESC"}):
        whole = both(client, ORDERED, id=building, order=order, first=50)
        households = whole["node"]["households"]["nodes"]
        biggest = max(households, key=lambda h: h["members"]["totalCount"])
        everyone = [e["node"] for e in biggest["members"]["edges"]]
        if order["field"] == "NAME":
            keys = [(m["name"], m["id"]) for m in everyone]
            assert keys == sorted(keys) and len(keys) > 1
        else:  # the latest birth date first: the youngest
            ages = [m["age"] for m in everyone]
            assert ages == sorted(ages) and len(ages) > 1
        # page by one through the biggest household, through its own cursors
        household = biggest["id"]
        query = ORDERED.replace("Building { households(first: 50) { nodes { id", "Household {")
        query = query.replace("} } } } } }", "} } } }")
        seen, after = [], None
        while True:
            page = both(client, query, id=household, order=order, first=1, after=after)
            members = page["node"]["members"]
            seen += [e["node"]["id"] for e in members["edges"]]
            if not members["pageInfo"]["hasNextPage"]:
                break
            after = members["pageInfo"]["endCursor"]
        assert seen == [m["id"] for m in everyone]
        end = members["pageInfo"]["endCursor"]  # the last member's
        back = both(client, query, id=household, order=order, last=1, before=end)
        assert [e["node"]["id"] for e in back["node"]["members"]["edges"]] == seen[-2:-1]
    wrong = client.post(
        "/graphql",
        json={
            "query": ORDERED,
            "variables": {"id": building, "order": {"field": "NAME"}, "after": after},
        },
    ).json()
    assert "another ordering" in wrong["errors"][0]["message"]


def test_neighbourhood_drawings_and_fuller_nodes(client: TestClient) -> None:
    building = first_id(client, "buildings")
    drawing = """query ($ids: [ID!]!, $depth: Int, $types: [String!], $since: DateTime) {
      neighbourhood(ids: $ids, depth: $depth, nodeTypes: $types, since: $since, limit: 40) {
        __typename truncated shown: nodes { id __typename label }
        edges { id type source target properties } } }"""
    two = both(client, drawing, ids=[building], depth=2)["neighbourhood"]
    assert two["shown"][0]["id"] == building and len(two["shown"]) > 2 and two["edges"]
    assert all(e["source"] and e["target"] for e in two["edges"])
    both(client, drawing, ids=[building], depth=1, types=["Household"])
    both(client, drawing, ids=[building], depth=2, since="2000-01-01T00:00:00Z")
    fuller = """query ($ids: [ID!]!) { neighbourhood(ids: $ids, depth: 2) {
      nodes { id ...on Resident { name gender } ...on Building { floors address }
              ...on Household { version provenance { source } } }
      edges { kind: type } } }"""
    shown = both(client, fuller, ids=[building])["neighbourhood"]["nodes"]
    assert any("floors" in n and n["floors"] is not None for n in shown)
    # What the compiled path does not plan goes on to the general path.
    nested = """query ($ids: [ID!]!) { neighbourhood(ids: $ids) {
      nodes { ...on Building { households { totalCount } } } } }"""
    both(client, nested, compiled=False, ids=[building])
    before = answered("compiled")
    body = client.post("/graphql", json={"query": drawing, "variables": {"ids": ["Building:NOPE"]}})
    assert body.json()["errors"][0]["message"] == "ids[0]: Building:NOPE does not exist"
    assert answered("compiled") == before
