"""Small valid domain objects for tests."""

from __future__ import annotations

from graph.model import Building, Grid, Household, Resident
from graph.model.validators import id_check_code
from graph.records import Edge, NodeRef, Provenance

PROV = Provenance("test", "pytest")


def id_number(
    birth: str = "19900101", male: bool = True, serial: int = 1, area: str = "330203"
) -> str:
    digits = f"{area}{birth}{serial * 2 + male:03d}"
    return digits + id_check_code(digits)


def resident(n: int, name: str = "张伟", **extra: object) -> Resident:
    values = {"id": f"R{n:08d}", "name": name, "gender": "male", "birth_date": "1990-01-01"}
    values.update(extra)
    return Resident.model_validate(values)


def building(n: int, name: str, **extra: object) -> Building:
    return Building.model_validate({"id": f"B{n:06d}", "name": name, **extra})


def grid(n: int, name: str = "一网格") -> Grid:
    return Grid(id=f"G{n:05d}", name=name)


def household(n: int) -> Household:
    return Household(id=f"H{n:07d}")


def ref(text: str) -> NodeRef:
    return NodeRef.parse(text)


def edge(kind: str, source: str, target: str, **props: object) -> Edge:
    return Edge(kind, ref(source), ref(target), dict(props))  # type: ignore[arg-type]
