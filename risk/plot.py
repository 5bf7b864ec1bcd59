"""A picture of an assessment: the buildings at their coordinates coloured by risk (the
highest of the building and the people in it), the supply lines from each asset to the
buildings it supplies, the failed assets marked; an asset is drawn at the middle of the
buildings it supplies (assets carry no coordinates)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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


def plot(p: Projection, result: Assessment, score: Floats, failed: Bools, out: Path) -> None:
    buildings = p.of_label(Label.BUILDING) & ~np.isnan(p.attrs["lat"]) & ~np.isnan(p.attrs["lon"])
    lat, lon = p.attrs["lat"], p.attrs["lon"]
    risk = building_risk(p, score)
    fig = Figure(figsize=(9, 8), dpi=120)
    ax = fig.subplots()
    supplies = p.matrix(EdgeType.SUPPLIES).tocoo()
    at_lat = np.full(p.size, np.nan)
    at_lon = np.full(p.size, np.nan)
    for asset in np.unique(supplies.row):
        served = supplies.col[(supplies.row == asset) & buildings[supplies.col]]
        if len(served):
            at_lat[asset], at_lon[asset] = lat[served].mean(), lon[served].mean()
    for asset, building in zip(supplies.row, supplies.col, strict=True):
        if buildings[building] and not np.isnan(at_lat[asset]):
            colour = "#d62728" if failed[asset] else "#bbbbbb"
            ax.plot(
                [at_lon[asset], lon[building]],
                [at_lat[asset], lat[building]],
                color=colour,
                linewidth=0.6 if not failed[asset] else 1.2,
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
    down = np.flatnonzero(failed & ~np.isnan(at_lat))
    ax.scatter(
        at_lon[down],
        at_lat[down],
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
    if len(down):
        ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(out)
