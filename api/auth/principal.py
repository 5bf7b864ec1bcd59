"""The authenticated caller and its role."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from starlette.requests import HTTPConnection

SCOPE_KEY = "civicgraph.principal"  # where the authentication middleware leaves it


class Role(StrEnum):
    ADMIN = "admin"
    GRID_WORKER = "grid_worker"
    INVESTIGATOR = "investigator"
    INTEGRATOR = "integrator"
    PROPERTY_COMPANY = "property_company"
    RESIDENT = "resident"


@dataclass(frozen=True)
class Principal:
    """Whom a request acts for, from a verified token or API key."""

    sub: str
    role: Role
    grids: tuple[str, ...] = ()
    org: str | None = None
    household: str | None = None
    method: str = "jwt"  # jwt | apikey


def principal_of(connection: HTTPConnection) -> Principal | None:
    found = connection.scope.get(SCOPE_KEY)
    return found if isinstance(found, Principal) else None
