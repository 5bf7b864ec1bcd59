"""Entity linking: each place, organisation and facility a petition names resolved to the
graph node it means, with a confidence.

Candidates come from the gazetteer by exact name, by alias (a generic tail dropped, digits
normalised), and by similarity: character edit similarity, or the same pinyin (a homophone
typed by mistake, 翠胡花园 for 翠湖花园). The context decides between candidates: the grids of
the submitter's household, and the grids of the other places the text names. A facility links
to the device of its kind in the building the text (or the submitter's household) is about.
People link only when exactly one member of the submitter's household bears the name.

A link at or above `LINK_AT` is asserted (`LINKED`); one at or above `PROPOSE_AT` is stored
as a proposal for a person to confirm (`PROPOSED`); below, the mention stays unlinked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from graph.model import Label
from graph.records import NodeRef
from nlp.gazetteer import WORD_DEVICE_KINDS, Entry, Gazetteer, Kind
from nlp.pipeline import Entity

LINK_AT = 0.75
PROPOSE_AT = 0.4
LINKED, PROPOSED, UNLINKED = "LINKED", "PROPOSED", "UNLINKED"
# How well each way of matching a name identifies its node, before context.
KIND_SCORE = {Kind.NAME: 0.9, Kind.ADDRESS: 0.9, Kind.ALIAS: 0.8, Kind.COMPOUND: 0.8}
KIND_SCORE[Kind.ROAD] = 0.6
SIMILAR_AT = 85  # rapidfuzz ratio (0-100) from which a name is a candidate
PINYIN_SCORE = 0.7
CONTEXT_BONUS = 0.15  # a candidate in the submitter's grids
NEARBY_BONUS = 0.1  # a candidate in the grid of another place the text names


@dataclass(frozen=True)
class Context:
    """What is known of the submitter: their household's building and grids, and the
    members of their household by name."""

    building: str | None = None
    grids: frozenset[str] = frozenset()
    people: Mapping[str, Sequence[NodeRef]] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    entity: Entity
    ref: NodeRef | None
    confidence: float
    status: str


@lru_cache(maxsize=65_536)
def pinyin(name: str) -> str:
    return " ".join(lazy_pinyin(name))


def _similar(name: str, gazetteer: Gazetteer) -> list[tuple[Entry, float]]:
    """Candidates whose names are close in characters or sound the same."""
    if len(name) < 3:
        return []
    names = gazetteer.similar_pool(name)
    found: list[tuple[Entry, float]] = []
    for other, score, _ in process.extract(name, names, scorer=fuzz.ratio, limit=5):
        if score >= SIMILAR_AT:
            found += [(e, KIND_SCORE[Kind.ALIAS] * score / 100) for e in gazetteer.entries(other)]
    sound = pinyin(name)
    for other in names:
        if other != name and len(other) == len(name) and pinyin(other) == sound:
            found += [(e, PINYIN_SCORE) for e in gazetteer.entries(other)]
    return found


def _candidates(entity: Entity, gazetteer: Gazetteer) -> list[tuple[Entry, float]]:
    exact = [(e, KIND_SCORE.get(e.kind, 0.6)) for e in gazetteer.entries(entity.text)]
    return exact or _similar(entity.text, gazetteer)


def _best(
    candidates: list[tuple[Entry, float]], context: Context, nearby: frozenset[str]
) -> tuple[NodeRef | None, float]:
    """The likeliest node and its confidence: its score with the context's bonuses, shared
    among the candidates that score as high."""
    scored: dict[NodeRef, float] = {}
    for entry, score in candidates:
        if entry.grids & context.grids:
            score += CONTEXT_BONUS
        if entry.grids & nearby:
            score += NEARBY_BONUS
        scored[entry.ref] = max(scored.get(entry.ref, 0.0), min(score, 1.0))
    if not scored:
        return None, 0.0
    top = max(scored.values())
    tied = sorted(ref for ref, score in scored.items() if score >= top - 1e-9)
    return tied[0], round(top / len(tied), 3)


def _status(confidence: float) -> str:
    return LINKED if confidence >= LINK_AT else PROPOSED if confidence >= PROPOSE_AT else UNLINKED


def link(entities: Sequence[Entity], gazetteer: Gazetteer, context: Context) -> list[Link]:
    """One link per entity, in order."""
    places = {
        n: _candidates(entity, gazetteer)
        for n, entity in enumerate(entities)
        if entity.label in ("PLACE", "ORG")
    }
    # The grids of the other places named exactly and without doubt help place each one.
    sure = {
        n: c[0][0].grids
        for n, c in places.items()
        if len({e.ref for e, _ in c}) == 1 and gazetteer.entries(entities[n].text)
    }
    links: list[Link] = []
    for n, entity in enumerate(entities):
        ref: NodeRef | None = None
        confidence = 0.0
        if n in places:
            nearby = frozenset().union(*(grids for m, grids in sure.items() if m != n))
            ref, confidence = _best(places[n], context, nearby)
        elif entity.label == "PERSON":
            people = context.people.get(entity.text, ())
            if len(people) == 1:
                ref, confidence = people[0], 0.9
        links.append(Link(entity, ref, confidence, _status(confidence)))
    return _facilities(links, gazetteer, context)


def _facilities(links: list[Link], gazetteer: Gazetteer, context: Context) -> list[Link]:
    """Facilities linked to the device of their kind in the building the text is about."""
    buildings = [
        (link.ref.id, link.confidence)
        for link in links
        if link.ref is not None and link.ref.label == Label.BUILDING and link.status == LINKED
    ]
    if context.building is not None:
        buildings.append((context.building, 0.8))
    out = []
    for item in links:
        kind = WORD_DEVICE_KINDS.get(item.entity.text.lower())
        if item.entity.label != "FACILITY" or kind is None:
            out.append(item)
            continue
        best: Link = item
        for building, sureness in buildings:
            devices = gazetteer.devices(building, kind)
            if devices:
                confidence = round(0.95 * sureness / len(devices), 3)
                best = Link(item.entity, devices[0], confidence, _status(confidence))
                break
        out.append(best)
    return out
