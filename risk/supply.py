"""Supply cascades (POWER_OUTAGE, WATER_OUTAGE, GAS_OUTAGE): fail the given assets; every
asset and building no longer reachable from a working source of its network through `FEEDS`
and `SUPPLIES` loses supply. A building supplied by two feeders keeps supply while either
works. Networks depend on one another: a water pump (or any powered utility asset) that draws
power through a power asset or the building it is installed in stops when that power goes.
Vectorised: one sparse product per level of the network."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp

from graph.model import EdgeType, Label
from graph.model.enums import DeviceKind
from risk.projection import Bools, Projection


class Network(StrEnum):
    POWER = "power"
    WATER = "water"
    GAS = "gas"


K = DeviceKind
NETWORK_KINDS = {
    Network.POWER: (K.SUBSTATION, K.TRANSFORMER, K.ELECTRICITY_METER),
    Network.WATER: (K.WATER_PLANT, K.WATER_PUMP, K.WATER_VALVE, K.WATER_METER),
    Network.GAS: (K.GAS_STATION, K.GAS_REGULATOR, K.GAS_VALVE, K.GAS_METER),
}
# Assets that stop without power, where they draw it from a power asset or their building;
# the lift monitor stands for the lift it watches.
POWERED = (K.WATER_PLANT, K.WATER_PUMP, K.HEAT_EXCHANGER, K.ELEVATOR_MONITOR, K.ACCESS_CONTROL)


@dataclass
class SupplyState:
    """Which assets work and which buildings have supply, per network."""

    working: dict[Network, Bools]  # assets of the network that deliver
    supplied: dict[Network, Bools]  # buildings the network reaches
    cut: dict[Network, Bools]  # buildings the network serves and no longer reaches
    stopped: Bools  # powered assets without power


def _within(p: Projection, matrix: sp.csr_array, rows: Bools, cols: Bools) -> sp.csr_array:
    left = sp.diags_array(rows.astype(np.float64))
    right = sp.diags_array(cols.astype(np.float64))
    return sp.csr_array(left @ matrix @ right)


def _reach(feeds: sp.csr_array, start: Bools, alive: Bools) -> Bools:
    """The nodes reached from `start` along `feeds` (source × target) through `alive` ones."""
    reached = start & alive
    down = feeds.T.tocsr()
    while True:
        grown = reached | (((down @ reached.astype(np.float64)) > 0) & alive)
        if (grown == reached).all():
            return reached
        reached = grown


def supply_state(p: Projection, failed: Bools) -> SupplyState:
    """Supply of every network with `failed` assets (and those the store says are down)."""
    devices = p.of_label(Label.DEVICE)
    buildings = p.of_label(Label.BUILDING)
    down = failed | (np.nan_to_num(p.attrs["down"]) > 0)
    feeds, supplies = p.matrix(EdgeType.FEEDS), p.matrix(EdgeType.SUPPLIES)
    installed = p.matrix(EdgeType.INSTALLED_IN)
    power = devices & p.kind_is(NETWORK_KINDS[Network.POWER])
    powered = devices & p.kind_is(POWERED)
    # What a powered asset draws power through: a power asset feeding it, or its building.
    draws = ((_within(p, feeds, power, powered).T @ np.ones(p.size)) > 0) | (
        (_within(p, installed, powered, buildings) @ np.ones(p.size)) > 0
    )
    working: dict[Network, Bools] = {}
    supplied: dict[Network, Bools] = {}
    cut: dict[Network, Bools] = {}
    stopped = np.zeros(p.size, dtype=bool)
    for network in (Network.POWER, Network.WATER, Network.GAS):  # power first: others draw it
        members = devices & p.kind_is(NETWORK_KINDS[network])
        inner = _within(p, feeds, members, members)
        roots = members & ((inner.T @ np.ones(p.size)) == 0)
        alive = members & ~down & ~stopped
        working[network] = _reach(inner, roots, alive)
        serving = _within(p, supplies, members, buildings)
        served = (serving.T @ np.ones(p.size)) > 0
        supplied[network] = (serving.T @ working[network].astype(np.float64)) > 0
        cut[network] = served & ~supplied[network]
        if network == Network.POWER:
            fed = (_within(p, feeds, power, powered).T @ working[network].astype(np.float64)) > 0
            lit = (_within(p, installed, powered, buildings) @ supplied[network]) > 0
            stopped = powered & draws & ~(fed | lit)
    return SupplyState(working, supplied, cut, stopped)


@dataclass
class Cascade:
    """What failing some assets does beyond what was already out of service."""

    assets: Bools  # assets that stopped delivering (failed, cut off or without power)
    buildings: Bools  # buildings that lost a supply they had
    networks: dict[Network, Bools]  # per network, the buildings it no longer reaches


def cascade(p: Projection, failed: Bools) -> Cascade:
    """The consequences of failing `failed`, against the state without them."""
    before = p.derive("supply", lambda: supply_state(p, np.zeros(p.size, dtype=bool)))
    after = supply_state(p, failed)
    assets = np.zeros(p.size, dtype=bool)
    buildings = np.zeros(p.size, dtype=bool)
    networks = {}
    for network in Network:
        assets |= before.working[network] & ~after.working[network]
        lost = after.cut[network] & ~before.cut[network]
        networks[network] = lost
        buildings |= lost
    assets |= after.stopped & ~before.stopped
    return Cascade(assets, buildings, networks)
