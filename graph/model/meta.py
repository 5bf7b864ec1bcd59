"""Declarative metadata written beside a node model's fields (see `graph.model.fields`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Meta:
    """How the API and ingest treat one model field, written beside it with `Annotated`."""

    headers: tuple[str, ...] = ()  # Chinese headers of the field's column in exports
    shown: bool = True  # a field of the GraphQL object type (personal fields never are)
    filter: bool = True  # a condition of the label's GraphQL filter input
    ingest: bool = True  # a column of the label's ingest files
    narrow: bool = False  # a code typed with full-width digits reads as ASCII (a phone)
