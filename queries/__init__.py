"""Named, parameterised Cypher queries shared by both engines.

A query `name` lives in `name.cypher`; where FalkorDB and Neo4j differ, `name.falkordb.cypher`
and `name.neo4j.cypher` stand beside it. Labels and relationship types cannot be query
parameters in Cypher, so they are filled into `__PLACEHOLDER__` slots, only ever from the
domain's enumerations (never from user input).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

QUERY_DIR = Path(__file__).parent
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SLOT = re.compile(r"__([A-Z]+)__")
IDENTIFIER_SLOTS = frozenset({"LABEL", "SOURCE", "TARGET", "TYPE", "FIELD"})


@cache
def _text(name: str, engine: str) -> str:
    specific = QUERY_DIR / f"{name}.{engine}.cypher"
    path = specific if specific.exists() else QUERY_DIR / f"{name}.cypher"
    return path.read_text(encoding="utf-8")


@cache
def cypher(name: str, engine: str, **slots: str) -> str:
    """The text of query `name` for `engine`, with its slots filled."""
    for key in IDENTIFIER_SLOTS & slots.keys():
        if not _IDENTIFIER.match(slots[key]):
            raise ValueError(f"slot {key}={slots[key]!r} is not a Cypher identifier")
    text = _text(name, engine)

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in slots:
            raise KeyError(f"query {name} needs slot {key}")
        return slots[key]

    return _SLOT.sub(fill, text)
