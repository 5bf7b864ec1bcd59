"""The canonical ingest files: their names and columns (what `civicgraph demo generate` writes)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from graph.model import Label
from graph.model.fields import FieldSpec, field_specs


@dataclass(frozen=True)
class NodeFile:
    """A kind of file holding nodes of one label: its key column, then a column per model
    field (`Meta.ingest`), then the columns that name related nodes."""

    label: Label
    id_column: str
    references: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in field_specs(self.label) if spec.meta.ingest)

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.id_column, *self.fields, *self.references)


NODE_FILES: dict[str, NodeFile] = {
    "grids": NodeFile(Label.GRID, "grid_id", ("parent_id",)),
    "buildings": NodeFile(Label.BUILDING, "building_id", ("grid_id",)),
    "households": NodeFile(Label.HOUSEHOLD, "household_id", ("building_id", "unit", "room")),
    "residents": NodeFile(Label.RESIDENT, "resident_id", ("household_id", "relation_to_head")),
    "organisations": NodeFile(Label.ORGANISATION, "org_id", ("building_id",)),
    "devices": NodeFile(Label.DEVICE, "device_id", ("building_id", "supplies")),
    "incidents": NodeFile(Label.INCIDENT, "incident_id", ("building_id", "grid_id", "device_id")),
    "petitions": NodeFile(Label.PETITION, "petition_id", ("resident_id",)),
}
EDGE_COLUMNS = ("from_id", "type", "to_id", "role", "distance_m")

COLUMNS: dict[str, tuple[str, ...]] = {
    **{kind: spec.columns for kind, spec in NODE_FILES.items()},
    "edges": EDGE_COLUMNS,
}


@cache
def field_columns() -> dict[str, tuple[FieldSpec, ...]]:
    """The model fields behind each column of the node files (a column such as `kind` serves
    several labels, each with its own enumeration)."""
    found: dict[str, list[FieldSpec]] = defaultdict(list)
    for node_file in NODE_FILES.values():
        for spec in field_specs(node_file.label):
            if spec.meta.ingest:
                found[spec.name].append(spec)
    return {column: tuple(specs) for column, specs in found.items()}


# Columns a kind also accepts beyond what `demo generate` writes: a resident row without a
# household id names its dwelling, which becomes (or finds) the household.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {"residents": ("building_id", "unit", "room")}

# Load order: every file's references point to files earlier in this list.
LOAD_ORDER = (
    "grids",
    "buildings",
    "households",
    "residents",
    "organisations",
    "devices",
    "incidents",
    "petitions",
    "edges",
)

LIST_SEPARATOR = ";"

KINDS = tuple(COLUMNS)


def unknown_kind(kind: str) -> str | None:
    """Why `kind` is not a kind of rows (None when it is one)."""
    return None if kind in COLUMNS else f"{kind!r} is not one of {', '.join(KINDS)}"
