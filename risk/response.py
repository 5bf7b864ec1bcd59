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


def _sources_of(matrix: sp.csr_array, node: int) -> list[int]:
    """The nodes with a relationship of this type pointing at `node`."""
    column = sp.csc_array(matrix[:, [node]])
    return [int(i) for i in column.indices]


def _grids_above(p: Projection, grid: int) -> list[int]:
    parents = p.matrix(EdgeType.PART_OF)
    found, at = [grid], grid
    for _ in range(8):
        up = parents[[at], :].indices
        if len(up) == 0:
            break
        at = int(up[0])
        found.append(at)
    return found


def response_plan(p: Projection, result: Assessment, limit: int = 100) -> list[Notice]:
    """Notices for the exposed vulnerable residents, by score, at most `limit`."""
    people = np.flatnonzero(result.exposed & result.vulnerable)
    people = people[np.argsort(-result.scores[people], kind="stable")][:limit]
    member = p.matrix(EdgeType.MEMBER_OF)
    lives = p.matrix(EdgeType.RESIDES_IN)
    placed = p.matrix(EdgeType.IN_GRID)
    workers = p.matrix(EdgeType.GRID_WORKER_OF)
    relations = {
        "carer": p.matrix(EdgeType.CARES_FOR),
        "guardian": p.matrix(EdgeType.GUARDIAN_OF),
        "emergency_contact": p.matrix(EdgeType.EMERGENCY_CONTACT_OF),
    }
    manages = p.matrix(EdgeType.MANAGES)
    notices = []
    for priority, person in enumerate(people, start=1):
        contacts: list[Contact] = []
        buildings = [int(b) for h in member[[person], :].indices for b in lives[[h], :].indices]
        for building in buildings:
            for grid in placed[[building], :].indices:
                for level in _grids_above(p, int(grid)):
                    contacts += [Contact(w, "grid_worker") for w in _sources_of(workers, level)]
        for role, matrix in relations.items():
            contacts += [Contact(n, role) for n in _sources_of(matrix, int(person))]
        for building in buildings:
            contacts += [Contact(o, "property_company") for o in _sources_of(manages, building)]
        unique = list({(c.node, c.role): c for c in contacts if c.node != person}.values())
        notices.append(Notice(int(person), priority, float(result.scores[person]), unique))
    return notices
