"""`neighbourhood(...)` on the compiled read path: the walk its resolver makes
(`api.neighbourhood`), each node shaped by its label's plan and each relationship written as
it is, with no resolver call per field. A drawing of 2,000 nodes is that many objects, so the
explorer's busiest request is the one this saves most on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLField
from graphql.execution.values import VariableValues, get_argument_values

from api.compiled.plan import Planner
from api.compiled.shapes import NotCompiled, ObjectPlan
from api.neighbourhood import edge_id, edge_properties, neighbourhood
from api.nodes.base import LABEL_SOURCES
from graph.guarded.store import GuardedStore
from graph.model import Label
from graph.port import GraphStore
from graph.records import EdgeRecord, RelatedItem

_DRAWN = frozenset({"id", *LABEL_SOURCES})
_EDGE_PARTS: dict[str, Callable[[EdgeRecord], Any]] = {
    "__typename": lambda _edge: "GraphEdge",
    "id": edge_id,
    "type": lambda edge: edge.type.value,
    "source": lambda edge: str(edge.source),
    "target": lambda edge: str(edge.target),
    "properties": edge_properties,
}


@dataclass
class NeighbourhoodRoot:
    """The plan of one `neighbourhood` field: its view's fields, a node plan per label and
    the relationship fields asked for."""

    field: FieldNode
    definition: GraphQLField
    convert: Callable[[dict[str, Any]], dict[str, Any]]
    view: list[tuple[str, str]]  # (response key, GraphView field)
    nodes: dict[Label, ObjectPlan]
    edges: list[tuple[str, Callable[[EdgeRecord], Any]]]

    @classmethod
    def plan(
        cls,
        planner: Planner,
        field: FieldNode,
        definition: GraphQLField,
        convert: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> NeighbourhoodRoot:
        view: list[tuple[str, str]] = []
        nodes: dict[Label, ObjectPlan] = {}
        edges: list[tuple[str, Callable[[EdgeRecord], Any]]] = []
        for child in planner.collect(field.selection_set, "GraphView"):
            key = child.alias.value if child.alias else child.name.value
            name = child.name.value
            view.append((key, name))
            if name == "nodes":
                if nodes:
                    raise NotCompiled("nodes selected twice")
                nodes = {label: planner.node(label, child.selection_set) for label in Label}
                if any(p.branches for p in nodes.values()):
                    raise NotCompiled("relationships of a drawing's nodes")
            elif name == "edges":
                if edges:
                    raise NotCompiled("edges selected twice")
                for part in planner.collect(child.selection_set, "GraphEdge"):
                    if part.name.value not in _EDGE_PARTS:
                        raise NotCompiled("a relationship field the planner does not know")
                    alias = part.alias.value if part.alias else part.name.value
                    edges.append((alias, _EDGE_PARTS[part.name.value]))
            elif name not in ("truncated", "__typename"):
                raise NotCompiled("a field of a drawing the planner does not know")
        return cls(field, definition, convert, view, nodes, edges)

    async def __call__(self, store: GraphStore, variables: VariableValues) -> Any:
        args = self.convert(get_argument_values(self.definition, self.field, variables))
        base = store.inner if isinstance(store, GuardedStore) else store
        drawn = all(p.props is not None and p.props <= _DRAWN for p in self.nodes.values())
        drawing = await neighbourhood(base, store, drawn=drawn, **args)
        value: dict[str, Any] = {}
        for key, name in self.view:
            if name == "nodes":
                value[key] = [self.nodes[n.label].shape(RelatedItem(n, {})) for n in drawing.nodes]
            elif name == "edges":
                value[key] = [
                    {part: produce(edge) for part, produce in self.edges} for edge in drawing.edges
                ]
            elif name == "truncated":
                value[key] = drawing.truncated
            else:
                value[key] = "GraphView"
        return value
