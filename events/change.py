"""One change as integrators see it: a stream entry's payload, built from a recorded change
event and what the store says of the entity (its values at the version the change made, the
grids it is placed in). Personal fields are named in `changed_fields`, never valued."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import orjson

from graph.model import Label
from graph.model.edges import EDGE_SPECS
from graph.model.fields import camel, field_specs, public_fields
from graph.model.personal_text import masked


class ChangeKind(StrEnum):
    NODE_CREATED = "NODE_CREATED"
    NODE_UPDATED = "NODE_UPDATED"
    NODE_DELETED = "NODE_DELETED"
    EDGE_CREATED = "EDGE_CREATED"
    EDGE_UPDATED = "EDGE_UPDATED"
    EDGE_DELETED = "EDGE_DELETED"
    INCIDENT_TRANSITION = "INCIDENT_TRANSITION"  # an incident's status changed
    RISK_ALERT = "RISK_ALERT"  # a saved risk assessment put a node's score over its threshold


@dataclass
class Change:
    """A stream entry. `cursor` is its stream id: `<event seq>-<entity index in the event>`."""

    cursor: str
    seq: int
    kind: ChangeKind
    entity_type: str  # a node label or a relationship type
    entity_id: str  # a node's global id; a relationship's `source->target`
    changed_fields: list[str]
    values: dict[str, Any] | None  # new values of the changed non-personal fields
    old_values: dict[str, Any] | None  # what an update or a deletion replaced (non-personal)
    actor: str
    source: str
    at: str
    source_id: str | None = None  # of a relationship: its endpoints' global ids
    target_id: str | None = None
    grid_ids: list[str] = field(default_factory=list)  # where it is placed, and grids above
    category: str | None = None  # of an incident
    severity: str | None = None
    # Of a relationship: the grids of its source and of its target (a subscriber bounded to
    # grids receives it only when both ends lie in them). Not shown to subscribers.
    end_grid_ids: list[list[str]] | None = None

    def to_public(self) -> dict[str, Any]:
        """The change as the GraphQL API and webhooks show it: camelCase names, of its own
        keys and of the fields it names, as the GraphQL schema spells them."""
        body = asdict(self)
        del body["end_grid_ids"]
        body["changed_fields"] = [camel(name) for name in self.changed_fields]
        body["values"] = camel_keys(self.values)
        body["old_values"] = camel_keys(self.old_values)
        return {camel(name): value for name, value in body.items()}

    def to_json(self) -> bytes:
        return orjson.dumps(self)  # orjson writes dataclasses itself, fast

    @classmethod
    def from_entry(cls, cursor: str, payload: bytes | str) -> Change:
        body = orjson.loads(payload)
        body["kind"] = ChangeKind(body["kind"])
        body["cursor"] = cursor  # the stream id is the authority
        return cls(**body)


def snake(name: str) -> str:
    """A GraphQL field name as it is stored: birthDate → birth_date."""
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def camel_keys(values: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if values is None else {camel(k): v for k, v in values.items()}


NODE_LABELS = frozenset(label.value for label in Label)
# Every field a change can name: of any node type, any relationship type, and provenance.
KNOWN_FIELDS = (
    frozenset(spec.name for label in Label for spec in field_specs(label))
    | frozenset(name for spec in EDGE_SPECS.values() for name in spec.props.model_fields)
    | frozenset({"prov_sources"})
)
PUBLIC_NODE_FIELDS = {label: public_fields(label) for label in Label}
EDGE_FIELDS = {spec.type: frozenset(spec.props.model_fields) for spec in EDGE_SPECS.values()}
# What a change of each node label or relationship type may carry values of, in name order.
_SHOWN: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {
    str(kind): (names, tuple(sorted(names)))
    for kind, names in [*PUBLIC_NODE_FIELDS.items(), *EDGE_FIELDS.items()]
}


MASKED_TEXT_FIELDS = frozenset({"text", "title", "reply"})


def public_values(
    entity_type: str, props: dict[str, Any] | None, fields: list[str] | None
) -> dict[str, Any] | None:
    """The non-personal model fields of `props`: those it holds, or, given `fields` (what a
    change wrote), each of them that is not personal, null where it held none."""
    if props is None:
        return None
    allowed, in_order = _SHOWN.get(entity_type, (frozenset(), ()))
    if fields is None:
        values = {name: props[name] for name in in_order if name in props}
    else:
        values = {name: props.get(name) for name in sorted(allowed.intersection(fields))}
    if entity_type == Label.PETITION.value:
        # A petition's words may hold ID and phone numbers: every feed shows them masked.
        for name in MASKED_TEXT_FIELDS & values.keys():
            if isinstance(values[name], str):
                values[name] = masked(values[name])
    return values
