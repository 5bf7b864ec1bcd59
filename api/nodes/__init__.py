"""The GraphQL node types, one module per label. This package's namespace holds every type:
relationship fields name their target type, and the names resolve here."""

from api.nodes.base import Node
from api.nodes.building import Building
from api.nodes.device import Device
from api.nodes.grid import Grid
from api.nodes.household import Household
from api.nodes.incident import Incident
from api.nodes.organisation import Organisation
from api.nodes.petition import Petition
from api.nodes.resident import Resident
from api.pagination import Connection

ALL_TYPES = (Resident, Household, Building, Grid, Organisation, Device, Incident, Petition)

__all__ = [
    "ALL_TYPES",
    "Building",
    "Connection",
    "Device",
    "Grid",
    "Household",
    "Incident",
    "Node",
    "Organisation",
    "Petition",
    "Resident",
]
