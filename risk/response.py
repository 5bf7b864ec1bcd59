"""The response plan (一键响应): for each endangered vulnerable resident, most endangered first,
who to notify: the grid workers of their grid (and of the grids above it), the people who
care for them, their guardians and emergency contacts, and the company managing their
building."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType
from risk.assess import Assessment
from risk.projection import Projection

# Who is told, in the order they are listed for each resident.
ROLES = ("grid_worker", "carer", "guardian", "emergency_contact", "property_company")


@dataclass
class Contact:
    node: int
    role: str


@dataclass
class Notice:
    resident: int
    priority: int  # 1 first
    score: float
    contacts: list[Contact]


class _Links:
    """Where each node points through one relationship type (`backward`: who points at it),
    read straight from the compressed rows."""

    def __init__(self, matrix: sp.csr_array, backward: bool = False) -> None:
        rows = sp.csr_array(matrix.T) if backward else matrix
        self.indptr, self.indices = rows.indptr, rows.indices

    def of(self, node: int) -> list[int]:
        return [int(i) for i in self.indices[self.indptr[node] : self.indptr[node + 1]]]


def _grids_above(parents: _Links, grid: int) -> list[int]:
    found, at = [grid], grid
    for _ in range(8):
        up = parents.of(at)
        if not up:
            break
        at = up[0]
        found.append(at)
    return found


def response_plan(p: Projection, result: Assessment, limit: int = 100) -> list[Notice]:
    """Notices for the exposed vulnerable residents, by score, at most `limit`."""
    people = np.flatnonzero(result.exposed & result.vulnerable)
    people = people[np.argsort(-result.scores[people], kind="stable")][:limit]
    member, lives = _Links(p.matrix(EdgeType.MEMBER_OF)), _Links(p.matrix(EdgeType.RESIDES_IN))
    placed, parents = _Links(p.matrix(EdgeType.IN_GRID)), _Links(p.matrix(EdgeType.PART_OF))
    workers = _Links(p.matrix(EdgeType.GRID_WORKER_OF), backward=True)
    relations = {
        role: _Links(p.matrix(edge_type), backward=True)
        for role, edge_type in (
            ("carer", EdgeType.CARES_FOR),
            ("guardian", EdgeType.GUARDIAN_OF),
            ("emergency_contact", EdgeType.EMERGENCY_CONTACT_OF),
        )
    }
    manages = _Links(p.matrix(EdgeType.MANAGES), backward=True)
    notices = []
    for priority, person in enumerate(people, start=1):
        contacts: list[Contact] = []
        buildings = [b for h in member.of(int(person)) for b in lives.of(h)]
        for building in buildings:
            for grid in placed.of(building):
                for level in _grids_above(parents, grid):
                    contacts += [Contact(w, "grid_worker") for w in workers.of(level)]
        for role, columns in relations.items():
            contacts += [Contact(n, role) for n in columns.of(int(person))]
        for building in buildings:
            contacts += [Contact(o, "property_company") for o in manages.of(building)]
        unique = list({(c.node, c.role): c for c in contacts if c.node != person}.values())
        notices.append(Notice(int(person), priority, float(result.scores[person]), unique))
    return notices
