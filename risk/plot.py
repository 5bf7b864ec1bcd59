"""A picture of an assessment: the buildings at their coordinates coloured by risk (the
highest of the building and the people in it), the supply lines from each asset to the
buildings it supplies and the feeds between assets, the failed assets marked. Assets carry
no coordinates: each is drawn at the middle of what it supplies or feeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp
from matplotlib.figure import Figure  # no pyplot: no display, no global state

from graph.model import EdgeType, Label
from risk.assess import Assessment
from risk.projection import Bools, Floats, Projection


def building_risk(p: Projection, score: Floats) -> Floats:
    """Each building's risk: its own score or the highest of its households and members."""
    homes = p.matrix(EdgeType.RESIDES_IN).T.tocsr()  # building × household
    members = p.matrix(EdgeType.MEMBER_OF).T.tocsr()  # household × resident
    household = np.maximum(score, members.multiply(score[None, :]).max(axis=1).toarray().ravel())
    return np.maximum(score, homes.multiply(household[None, :]).max(axis=1).toarray().ravel())


def _asset_positions(p: Projection, buildings: Bools) -> tuple[Floats, Floats]:
    """Where to draw each node: a building at its coordinates, an asset at the middle of
    what it supplies or feeds (up the network, level by level)."""
    lat = np.where(buildings, p.attrs["lat"], np.nan)
    lon = np.where(buildings, p.attrs["lon"], np.nan)
    down = sp.csr_array(p.matrix(EdgeType.SUPPLIES) + p.matrix(EdgeType.FEEDS))
    for _ in range(8):  # a network is a few levels deep
        known = ~np.isnan(lat)
        links = sp.csr_array(down @ sp.diags_array(known.astype(np.float64)))
        links.eliminate_zeros()
        count = links @ np.ones(p.size)
        fresh = (count > 0) & ~known
        if not fresh.any():
            break
        lat[fresh] = (links @ np.nan_to_num(lat))[fresh] / count[fresh]
        lon[fresh] = (links @ np.nan_to_num(lon))[fresh] / count[fresh]
    return lat, lon


def plot(p: Projection, result: Assessment, score: Floats, failed: Bools, out: Path) -> None:
    buildings = p.of_label(Label.BUILDING) & ~np.isnan(p.attrs["lat"]) & ~np.isnan(p.attrs["lon"])
    lat, lon = p.attrs["lat"], p.attrs["lon"]
    risk = building_risk(p, score)
    fig = Figure(figsize=(9, 8), dpi=120)
    ax = fig.subplots()
    at_lat, at_lon = _asset_positions(p, buildings)
    for edge_type, width in ((EdgeType.FEEDS, 1.0), (EdgeType.SUPPLIES, 0.6)):
        lines = p.matrix(edge_type).tocoo()
        for source, target in zip(lines.row, lines.col, strict=True):
            ends = (at_lat[source], at_lon[source], at_lat[target], at_lon[target])
            if np.isnan(ends).any():
                continue
            cut = failed[source]
            ax.plot(
                [ends[1], ends[3]],
                [ends[0], ends[2]],
                color="#d62728" if cut else "#bbbbbb",
                linewidth=width * (2 if cut else 1),
                zorder=1,
            )
    shown = np.flatnonzero(buildings)
    points = ax.scatter(
        lon[shown],
        lat[shown],
        c=risk[shown],
        cmap="YlOrRd",
        s=28,
        edgecolors="#555555",
        linewidths=0.3,
        zorder=2,
        vmin=0,
        vmax=max(float(risk[shown].max()) if len(shown) else 1, 1e-9),
    )
    marked = np.flatnonzero(failed & ~np.isnan(at_lat))
    ax.scatter(
        at_lon[marked],
        at_lat[marked],
        marker="X",
        s=90,
        color="#d62728",
        zorder=3,
        label="failed asset",
    )
    fig.colorbar(points, ax=ax, label="risk (highest in the building)")
    ax.set_title(
        f"{result.hazard.value} ({result.model.value}): "
        f"{result.affected[Label.RESIDENT]} residents affected"
    )
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    if len(marked):
        ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(out)
