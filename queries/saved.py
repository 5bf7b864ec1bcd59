"""Saved queries for investigators: read-only, named, parameterised Cypher files under
`queries/explore/`, one query a file. The name is the file's; its header declares the rest:

    // description: what it finds
    // param building: ID(Building)
    // param born_before: Int = 1956
    // returns: table            (or graph: rows of source, type, target ids)

Types: String, Int, Float, Boolean, ID(Label). A file with a write clause (CREATE, MERGE,
SET, DELETE, REMOVE, FOREACH, LOAD CSV, CALL) or an undeclared `$parameter` is refused when it
loads, naming the file and the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SAVED_DIR = Path(__file__).parent / "explore"
TYPES = ("String", "Int", "Float", "Boolean")
_HEADER = re.compile(r"^//\s*(description:|param\s|returns:)\s*(.+?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s*:\s*(?P<type>String|Int|Float|Boolean|ID\((?P<label>[A-Z][A-Za-z]+)\))"
    r"(?:\s*=\s*(?P<default>.+))?$"
)
_WRITES = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|FOREACH|LOAD\s+CSV|CALL|DROP)\b", re.IGNORECASE
)
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_USED = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class SavedQueryError(ValueError):
    """A saved query that may not load, or parameters that do not fit it."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # String, Int, Float, Boolean or ID(Label)
    default: Any = None
    required: bool = True

    @property
    def label(self) -> str | None:
        return self.type[3:-1] if self.type.startswith("ID(") else None


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    returns: str  # table or graph
    cypher: str
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)


def _default(kind: str, text: str) -> Any:
    try:
        if kind == "Int":
            return int(text)
        if kind == "Float":
            return float(text)
        if kind == "Boolean":
            return {"true": True, "false": False}[text.lower()]
    except (ValueError, KeyError):
        raise SavedQueryError(f"default {text!r} is not a {kind}") from None
    return text.strip("'\"")


def parse(name: str, text: str) -> SavedQuery:
    """A saved query from its file's text; SavedQueryError naming the file and the reason."""
    where = f"queries/explore/{name}.cypher"
    header: dict[str, list[str]] = {"description": [], "param": [], "returns": []}
    body = []
    for line in text.splitlines():
        found = _HEADER.match(line.strip())
        if found:
            header[found.group(1).strip(": ")].append(found.group(2))
        elif not line.strip().startswith("//"):
            body.append(line)
    cypher = "\n".join(body).strip()
    bare = _STRINGS.sub("''", cypher)
    if clause := _WRITES.search(bare):
        raise SavedQueryError(f"{where}: {clause.group(1).upper()} writes; saved queries only read")
    if not header["description"]:
        raise SavedQueryError(f"{where}: no // description: line")
    returns = header["returns"][0] if header["returns"] else "table"
    if returns not in ("table", "graph"):
        raise SavedQueryError(f"{where}: returns {returns!r}: give table or graph")
    parameters = []
    for declared in header["param"]:
        match = _PARAM.match(declared)
        if not match:
            raise SavedQueryError(f"{where}: param {declared!r}: write `name: Type [= default]`")
        kind, default = match.group("type"), match.group("default")
        parameters.append(
            Parameter(
                match.group("name"),
                kind,
                _default(kind, default) if default is not None else None,
                default is None,
            )
        )
    used = set(_USED.findall(bare))
    declared_names = {p.name for p in parameters}
    if used - declared_names:
        raise SavedQueryError(f"{where}: ${sorted(used - declared_names)[0]} is not declared")
    return SavedQuery(name, " ".join(header["description"]), returns, cypher, tuple(parameters))


@cache
def saved_queries(folder: Path = SAVED_DIR) -> dict[str, SavedQuery]:
    """Every saved query, by name (a file that may not load stops the load, naming it)."""
    return {
        path.stem: parse(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.cypher"))
    }


def bound(query: SavedQuery, given: dict[str, Any]) -> dict[str, Any]:
    """The Cypher parameters for `given` values: each checked against its declared type (an
    ID(Label) is given as a global id and passed as the node's key); SavedQueryError naming
    the parameter."""
    unknown = set(given) - {p.name for p in query.parameters}
    if unknown:
        raise SavedQueryError(f"params.{sorted(unknown)[0]}: {query.name} has no such parameter")
    values: dict[str, Any] = {}
    for p in query.parameters:
        if p.name not in given:
            if p.required:
                raise SavedQueryError(f"params.{p.name}: required ({p.type})")
            values[p.name] = p.default
            continue
        values[p.name] = _checked(p, given[p.name])
    return values


def _checked(p: Parameter, value: Any) -> Any:
    wrong = SavedQueryError(f"params.{p.name}: expected {p.type}, got {value!r}")
    if p.type == "Int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
    elif p.type == "Float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        value = float(value)
    elif p.type == "Boolean":
        if not isinstance(value, bool):
            raise wrong
    elif not isinstance(value, str):
        raise wrong
    elif p.label is not None:
        label, _, key = value.partition(":")
        if label != p.label or not key:
            raise SavedQueryError(
                f"params.{p.name}: expected a {p.label} id ({p.label}:…), got {value!r}"
            )
        return key
    return value
