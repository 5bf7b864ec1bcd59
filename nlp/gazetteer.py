"""The names the graph knows, for finding and linking them in petitions: buildings (name,
address, compound, the road of the address), grids and communities, organisations, and the
devices installed in buildings (by kind). Each name maps to the nodes that bear it, with the
grids each node is placed in, so a mention can be resolved in the submitter's context.

`find` scans a text for known names, longest first, in one pass indexed by each name's first
two characters. The index is rebuilt from the store (`from_store`) and kept current from the
change history (`refresh`): the nodes changed since are read again, deleted ones dropped."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from events.history import ChangeHistory
from graph.model import DeviceKind, EdgeType, Label
from graph.port import EventLog, Export, Traversal
from graph.records import Direction, NodeColumns, NodeRef

# Chinese words for each device kind: a FACILITY mention of one links to such a device.
DEVICE_WORDS: dict[DeviceKind, tuple[str, ...]] = {
    DeviceKind.SMOKE_ALARM: ("烟感", "烟雾报警器", "烟感报警器", "smoke alarm"),
    DeviceKind.GAS_ALARM: ("燃气报警器", "可燃气体报警器", "gas alarm"),
    DeviceKind.ACCESS_CONTROL: ("门禁", "门禁系统", "access control"),
    DeviceKind.CAMERA: ("摄像头", "监控", "监控摄像头", "camera", "cctv"),
    DeviceKind.ELEVATOR_MONITOR: ("电梯", "lift", "elevator"),
    DeviceKind.WATER_METER: ("水表", "water meter"),
    DeviceKind.ELECTRICITY_METER: ("电表", "electricity meter"),
    DeviceKind.GAS_METER: ("燃气表", "气表", "gas meter"),
    DeviceKind.SUBSTATION: ("变电站", "配电房", "substation"),
    DeviceKind.TRANSFORMER: ("变压器", "transformer"),
    DeviceKind.WATER_PLANT: ("水厂", "自来水厂", "water plant"),
    DeviceKind.WATER_PUMP: ("水泵", "泵房", "二次供水泵", "water pump", "pump"),
    DeviceKind.WATER_VALVE: ("阀门", "水阀", "water valve", "valve"),
    DeviceKind.GAS_STATION: ("燃气站", "门站", "gas station"),
    DeviceKind.GAS_REGULATOR: ("调压器", "调压箱", "regulator"),
    DeviceKind.GAS_VALVE: ("燃气阀门", "气阀", "gas valve"),
    DeviceKind.HEAT_EXCHANGER: ("换热站", "换热器", "heat exchanger"),
}
WORD_DEVICE_KINDS: dict[str, DeviceKind] = {
    word: kind for kind, words in DEVICE_WORDS.items() for word in words
}
_ROAD = re.compile(r"^(.{1,8}?(?:路|街|巷|大道|大街|弄))(?:[0-9０-９]+号)?")
_FIELDS: dict[Label, tuple[str, ...]] = {
    Label.BUILDING: ("name", "address", "compound"),
    Label.GRID: ("name", "level"),
    Label.ORGANISATION: ("name", "kind"),
    Label.DEVICE: ("kind",),
}
GRID_READ = 2_000


class Kind:
    """What part of a node a name is."""

    NAME = "name"
    ADDRESS = "address"
    COMPOUND = "compound"
    ROAD = "road"
    ALIAS = "alias"


@dataclass(frozen=True)
class Entry:
    """One node that bears a name."""

    ref: NodeRef
    label: str  # the entity label a mention of it gets: PLACE, ORG or FACILITY
    kind: str  # see Kind
    grids: frozenset[str] = frozenset()


@dataclass
class _Node:
    names: list[tuple[str, str]]  # (name, kind)
    label: str
    grids: frozenset[str]
    building: str | None = None  # a device's building
    device_kind: DeviceKind | None = None


class GazetteerStore(Export, Traversal, EventLog, Protocol):
    """What the gazetteer reads of the store: its nodes' names in batches, the grids they
    are placed in, a device's building, and the change history (see `graph.port`)."""


def variants(name: str) -> list[str]:
    """Other ways a petition writes a name: without 小区/社区/花园's generic tail, with
    full-width digits as ASCII, 号楼 as 栋."""
    name = name.translate(_FULL_WIDTH).strip()
    found = {name}
    for tail in ("小区", "社区居委会", "居委会", "社区", "网格", "片区"):
        if name.endswith(tail) and len(name) - len(tail) >= 2:
            found.add(name[: -len(tail)])
    found |= {v.replace("号楼", "栋") for v in found} | {v.replace("栋", "号楼") for v in found}
    return sorted(found - {""})


def _pairs(name: str) -> set[str]:
    return {name[n : n + 2] for n in range(len(name) - 1)}


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _names_of(label: Label, values: dict[str, object]) -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    if label == Label.BUILDING:
        for key, kind in (("name", Kind.NAME), ("address", Kind.ADDRESS)):
            if isinstance(values.get(key), str) and values[key]:
                names.append((str(values[key]), kind))
        compound = values.get("compound")
        if isinstance(compound, str) and compound:
            names.append((compound, Kind.COMPOUND))
            building = values.get("name")
            if isinstance(building, str) and building and not building.startswith(compound):
                names.append((compound + building, Kind.NAME))
        address = values.get("address")
        if isinstance(address, str) and (road := _ROAD.match(address)):
            names.append((road.group(1), Kind.ROAD))
    elif label in (Label.GRID, Label.ORGANISATION):
        name = values.get("name")
        if isinstance(name, str) and name:
            names.append((name, Kind.NAME))
    return names


class Gazetteer:
    """Known names and the nodes bearing them; current as of `seq`."""

    def __init__(self, seq: int = 0) -> None:
        self.seq = seq
        self._nodes: dict[NodeRef, _Node] = {}
        self._names: dict[str, set[NodeRef]] = defaultdict(set)
        self._kinds: dict[tuple[str, NodeRef], str] = {}
        self._lengths: dict[str, list[int]] = {}
        self._devices: dict[tuple[str, DeviceKind], set[NodeRef]] = defaultdict(set)
        self._bigrams: dict[str, set[str]] = defaultdict(set)  # for similar names

    def __len__(self) -> int:
        return len(self._names)

    # -- building and keeping current -----------------------------------------------------
    @classmethod
    def from_store(cls, store: GazetteerStore) -> Gazetteer:
        """Every name the store holds, as of its newest change."""
        gazetteer = cls(store.last_event_seq())
        for label, fields in _FIELDS.items():
            for batch in store.export_nodes(label, fields):
                gazetteer._read(store, label, batch)
        return gazetteer

    def refresh(self, store: GazetteerStore, history: ChangeHistory, most: int = 50_000) -> bool:
        """Bring the names up to the newest change; False when the history since is gone
        (the caller builds a new gazetteer)."""
        last = store.last_event_seq()
        if last == self.seq:
            return True
        if last < self.seq:
            return False
        touched = history.touched_after(self.seq, most)
        if touched is None:
            return False
        changed = set(touched.nodes)
        for _, source, _target in touched.edges:
            changed.add(source)  # a building moved to another grid, a device installed
        by_label: dict[Label, list[str]] = defaultdict(list)
        for ref in sorted(changed):
            if ref.label in _FIELDS:
                self._forget(ref)
                by_label[ref.label].append(ref.id)
        for label, ids in by_label.items():
            self._read(store, label, store.export_values(label, ids, _FIELDS[label]))
        self.seq = max(touched.through, last)
        return True

    def _read(self, store: GazetteerStore, label: Label, batch: NodeColumns) -> None:
        refs = [NodeRef(label, node_id) for node_id in batch.ids]
        grids: dict[NodeRef, list[str]] = {}
        for at in range(0, len(refs), GRID_READ):
            grids.update(store.grids_of(refs[at : at + GRID_READ]))
        buildings = (
            store.neighbours(refs, [EdgeType.INSTALLED_IN], Direction.OUT, 1)
            if label == Label.DEVICE
            else {}
        )
        for n, ref in enumerate(refs):
            values = {key: column[n] for key, column in batch.values.items()}
            entity = "ORG" if label == Label.ORGANISATION else "PLACE"
            node = _Node(_names_of(label, values), entity, frozenset(grids.get(ref, ())))
            if label == Label.DEVICE:
                node.label = "FACILITY"
                kind = str(values.get("kind"))
                node.device_kind = (
                    DeviceKind(kind) if kind in DeviceKind.__members__.values() else None
                )
                node.building = next((n.node.ref.id for n in buildings.get(ref, ())), None)
            self._add(ref, node)

    def _add(self, ref: NodeRef, node: _Node) -> None:
        self._nodes[ref] = node
        for name, kind in node.names:
            for variant in variants(name):
                self._names[variant].add(ref)
                self._kinds[variant, ref] = kind if variant == name else Kind.ALIAS
                self._index(variant)
        if node.building is not None and node.device_kind is not None:
            self._devices[node.building, node.device_kind].add(ref)

    def _forget(self, ref: NodeRef) -> None:
        node = self._nodes.pop(ref, None)
        if node is None:
            return
        for name, _kind in node.names:
            for variant in variants(name):
                self._names[variant].discard(ref)
                self._kinds.pop((variant, ref), None)
                if not self._names[variant]:
                    del self._names[variant]
                    for pair in _pairs(variant):
                        self._bigrams[pair].discard(variant)
        if node.building is not None and node.device_kind is not None:
            self._devices[node.building, node.device_kind].discard(ref)

    def _index(self, name: str) -> None:
        for pair in _pairs(name):
            self._bigrams[pair].add(name)
        lengths = self._lengths.setdefault(name[:2], [])
        if len(name) not in lengths:
            lengths.append(len(name))
            lengths.sort(reverse=True)

    # -- reading ----------------------------------------------------------------------------
    def find(self, text: str) -> list[tuple[int, int]]:
        """Known names in `text`: longest at each position, leftmost first, not overlapping."""
        found: list[tuple[int, int]] = []
        at, end = 0, len(text) - 1
        lengths, names = self._lengths, self._names
        while at < end:
            for length in lengths.get(text[at : at + 2], ()):
                if text[at : at + length] in names:
                    found.append((at, at + length))
                    at += length
                    break
            else:
                at += 1
        return found

    def entries(self, name: str) -> list[Entry]:
        """The nodes bearing `name` (or a variant of it)."""
        found: dict[NodeRef, Entry] = {}
        for variant in variants(name):
            for ref in self._names.get(variant, ()):
                node = self._nodes[ref]
                kind = self._kinds.get((variant, ref), Kind.ALIAS)
                if ref not in found or found[ref].kind == Kind.ALIAS:
                    found[ref] = Entry(ref, node.label, kind, node.grids)
        return sorted(found.values(), key=lambda e: e.ref)

    def names(self) -> Iterable[str]:
        return self._names.keys()

    def similar_pool(self, name: str, most: int = 2_000) -> list[str]:
        """Known names sharing two adjacent characters with `name`: where similar ones are."""
        pool: set[str] = set()
        for pair in _pairs(name):
            pool |= self._bigrams.get(pair, set())
            if len(pool) >= most:
                break
        return sorted(pool)[:most]

    def grids(self, ref: NodeRef) -> frozenset[str]:
        node = self._nodes.get(ref)
        return node.grids if node else frozenset()

    def building_of(self, device: NodeRef) -> str | None:
        node = self._nodes.get(device)
        return node.building if node else None

    def devices(self, building: str, kind: DeviceKind) -> list[NodeRef]:
        """The devices of `kind` installed in `building`."""
        return sorted(self._devices.get((building, kind), ()))


@dataclass
class GazetteerCache:
    """One gazetteer per store, kept current before each use."""

    store: GazetteerStore
    history: ChangeHistory
    _gazetteer: Gazetteer | None = field(default=None, repr=False)

    def get(self) -> Gazetteer:
        gazetteer = self._gazetteer
        if gazetteer is None or not gazetteer.refresh(self.store, self.history):
            gazetteer = Gazetteer.from_store(self.store)
        self._gazetteer = gazetteer
        return gazetteer
