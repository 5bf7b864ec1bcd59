"""Reject reasons as a data clerk reads them: each problem with the source header beside its
canonical column, and the column a missing reference came from."""

from __future__ import annotations

from graph.records import NodeRef
from ingest.job.items import Item
from ingest.mapping.shaping import RowShaper

# The column a row's reference came from, by relationship type (for reasons in reject files).
REFERENCE_COLUMNS = {
    "MEMBER_OF": "household_id",
    "RESIDES_IN": "building_id",
    "IN_GRID": "grid_id",
    "PART_OF": "parent_id",
    "LOCATED_IN": "building_id",
    "INSTALLED_IN": "building_id",
    "SUPPLIES": "supplies",
    "FEEDS": "supplies",
    "OCCURRED_AT": "building_id/grid_id",
    "RAISED_BY": "device_id",
    "SUBMITTED_BY": "resident_id",
}


def reason_with_headers(shaper: RowShaper, problems: list[str]) -> str:
    """The reject reason: each problem's source header beside its canonical column when
    they differ, problems separated by "; "."""
    named = []
    for problem in problems:
        column, sep, rest = problem.partition(":")
        header = shaper.header_of(column)
        named.append(f"{column} ({header}){sep}{rest}" if sep and header != column else problem)
    return "; ".join(named)


def unknown_reference_reason(item: Item, existing: set[NodeRef]) -> str:
    """The reason of a row whose reference never arrived: the first missing one, by column."""
    for edge in item.edges:
        for end in (edge.source, edge.target):
            if end in item.own or end in existing:
                continue
            column = REFERENCE_COLUMNS.get(edge.type, "")
            if item.kind == "edges":
                column = "from_id" if end == edge.source else "to_id"
            return f"{column}: unknown reference {end} (not in the graph, nor loaded by this job)"
    return "row: a reference it names was not found"
