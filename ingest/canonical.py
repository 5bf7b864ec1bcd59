"""The canonical ingest files: their names and columns (what `civicgraph demo generate` writes)."""

from __future__ import annotations

COLUMNS: dict[str, tuple[str, ...]] = {
    "grids": ("grid_id", "name", "level", "parent_id"),
    "buildings": (
        "building_id",
        "name",
        "address",
        "compound",
        "grid_id",
        "floors",
        "units",
        "year_built",
        "use",
        "lat",
        "lon",
        "rental_risk_level",
    ),
    "households": ("household_id", "building_id", "unit", "room", "tenure"),
    "residents": (
        "resident_id",
        "name",
        "gender",
        "birth_date",
        "id_number",
        "phone",
        "household_id",
        "relation_to_head",
        "residency",
        "tags",
    ),
    "organisations": ("org_id", "name", "kind", "building_id", "phone"),
    "devices": ("device_id", "kind", "building_id", "status", "supplies", "installed_at"),
    "incidents": (
        "incident_id",
        "category",
        "severity",
        "status",
        "reported_at",
        "building_id",
        "grid_id",
        "description",
        "source",
        "device_id",
        "deadline_at",
        "history",
    ),
    "petitions": ("petition_id", "text", "channel", "submitted_at", "resident_id"),
    "edges": ("from_id", "type", "to_id", "role", "distance_m"),
}

# Columns a kind also accepts beyond what `demo generate` writes: a resident row without a
# household id names its dwelling, which becomes (or finds) the household; hotline and
# message-board exports give a petition's title, nature, their own category and the reply.
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "residents": ("building_id", "unit", "room"),
    "petitions": ("title", "nature", "source_category", "reply"),
}

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
