"""Petitions into the graph with what their text says: each is classified, its entities found
and linked in the submitter's context, and stored with them; the links become `MENTIONS`
relationships (asserted or proposed), and a petition that reports a problem at a place raises
an incident there or joins the open one of the same category reported there within the window
("one incident, many petitions"), by `REPORTS`.

Writes go in batches: the petitions (with their extraction) first, then new incidents, then
every relationship; each is acknowledged only once committed, with its change events."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.filters import All, Condition, Op
from graph.model import EdgeType, Incident, IncidentSource, Label, Petition
from graph.model.validators import format_timestamp
from graph.port import GraphStore
from graph.records import Direction, Edge, NodeRef, Provenance
from graph.workflow import OPEN_STATES, report_step
from nlp.gazetteer import GazetteerCache
from nlp.incidents import Report, reported
from nlp.linking import UNLINKED, Context, Link, link
from nlp.pipeline import Extraction, Pipeline, TextError, check_text

JOIN_WINDOW = timedelta(days=7)


@dataclass
class Processed:
    """One petition as stored: its extraction, links, and the incident it raised or joined."""

    petition: Petition
    extraction: Extraction
    links: list[Link]
    report: Report | None = None
    incident: NodeRef | None = None
    joined: bool = False


@dataclass
class PetitionService:
    store: GraphStore
    pipeline: Pipeline
    gazetteers: GazetteerCache
    window: timedelta = JOIN_WINDOW
    _now: Callable[[], datetime] | None = field(default=None, repr=False)  # tests' clock

    def now(self) -> datetime:
        return self._now() if self._now else datetime.now(UTC)

    def contexts(self, submitters: Sequence[str]) -> dict[str, Context]:
        """Each submitter's household building, grids and household members by name."""
        residents = [NodeRef(Label.RESIDENT, s) for s in dict.fromkeys(submitters)]
        if not residents:
            return {}
        store = self.store
        grids = store.grids_of(residents)
        households = store.neighbours(residents, [EdgeType.MEMBER_OF], Direction.OUT, 1)
        homes = sorted({n.node.ref for ns in households.values() for n in ns})
        buildings = (
            store.neighbours(homes, [EdgeType.RESIDES_IN], Direction.OUT, 1) if homes else {}
        )
        members = store.neighbours(homes, [EdgeType.MEMBER_OF], Direction.IN, 50) if homes else {}
        found: dict[str, Context] = {}
        for resident in residents:
            home = next((n.node.ref for n in households.get(resident, ())), None)
            building = (
                next((n.node.ref.id for n in buildings.get(home, ())), None) if home else None
            )
            people: dict[str, list[NodeRef]] = {}
            for n in members.get(home, ()) if home else ():
                name = n.node.props.get("name")
                if isinstance(name, str):
                    people.setdefault(name, []).append(n.node.ref)
            found[resident.id] = Context(building, frozenset(grids.get(resident, ())), people)
        return found

    def process(
        self,
        petitions: Sequence[Petition],
        submitters: Sequence[str | None],
        provenance: Provenance,
    ) -> list[Processed]:
        """Extract, link and store `petitions` (with the resident id that submitted each, or
        None); the incidents they report are raised or joined."""
        gazetteer = self.gazetteers.get()
        extractions = self.pipeline.extract(
            [p.text for p in petitions], [p.title or "" for p in petitions], gazetteer
        )
        contexts = self.contexts([s for s in submitters if s])
        # A petition older than the window is history: classified and linked, but it raises
        # no incident now (a bulk load of last year's petitions opens none).
        recent = self.now() - self.window
        done: list[Processed] = []
        for petition, submitter, extraction in zip(petitions, submitters, extractions, strict=True):
            context = contexts.get(submitter or "", Context())
            links = link(extraction.entities, gazetteer, context)
            stored = _with_extraction(petition, extraction, links)
            department = extraction.category[0] if extraction.category else None
            report = (
                reported(
                    petition.text,
                    stored.nature and stored.nature.upper(),
                    department,
                    links,
                    gazetteer,
                    context,
                )
                if petition.submitted_at is None or petition.submitted_at >= recent
                else None
            )
            done.append(Processed(stored, extraction, links, report))
        self.store.upsert_nodes([p.petition for p in done], provenance)
        incidents = self._incidents(done, provenance)
        edges = [e for p, s in zip(done, submitters, strict=True) for e in _edges(p, s)]
        if incidents:
            edges += incidents
        if edges:
            self.store.upsert_edges(edges, provenance)
        return done

    def extract_stored(
        self,
        ids: Sequence[str],
        provenance: Provenance,
        batch: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Run extraction on stored petitions (an ingest job's): each is read back with its
        submitter, then processed as a submitted one is. The number processed."""
        done = 0
        for at in range(0, len(ids), batch):
            refs = [NodeRef(Label.PETITION, i) for i in dict.fromkeys(ids[at : at + batch])]
            records = self.store.get_nodes(refs)
            submitted = self.store.neighbours(refs, [EdgeType.SUBMITTED_BY], Direction.OUT, 1)
            petitions, submitters = [], []
            for ref in refs:
                record = records.get(ref)
                if record is None:
                    continue
                values = {**_model_values(record.props), "id": record.id}
                petitions.append(Petition.model_validate(values))
                by = submitted.get(ref, [])
                submitters.append(by[0].node.ref.id if by else None)
            petitions, submitters = _readable(petitions, submitters)
            if petitions:
                self.process(petitions, submitters, provenance)
            done += len(petitions)
            if progress is not None:
                progress(len(refs))
        return done

    def _incidents(self, done: list[Processed], provenance: Provenance) -> list[Edge]:
        """Join each reported problem to an open incident, or raise one; the new incidents
        are written here, their relationships returned."""
        now = self.now()
        reports = [p for p in done if p.report is not None]
        if not reports:
            return []
        places = sorted({p.report.place for p in reports if p.report})
        since = format_timestamp(now - self.window)
        open_here: dict[tuple[NodeRef, str], NodeRef] = {}
        where = All(
            (
                Condition("status", Op.IN, sorted(s.value for s in OPEN_STATES)),
                Condition("reported_at", Op.GTE, since),
            )
        )
        for label in sorted({place.label for place in places}):
            parents = [place for place in places if place.label == label]
            pages = self.store.related(
                parents, EdgeType.OCCURRED_AT, Direction.IN, Label.INCIDENT, where
            )
            for place, page in pages.items():
                for item in sorted(page.items, key=lambda i: str(i.node.props.get("reported_at"))):
                    key = (place, str(item.node.props.get("category")))
                    open_here.setdefault(key, item.node.ref)  # the earliest open one
        created: list[Incident] = []
        edges: list[Edge] = []
        for p in reports:
            assert p.report is not None
            key = (p.report.place, p.report.category.value)
            if key in open_here:
                p.incident, p.joined = open_here[key], True
                continue
            incident = Incident(
                id=f"INC-{uuid.uuid4().hex[:16]}",
                category=p.report.category,
                severity=p.report.severity,
                description=(p.petition.title or p.petition.text)[:2000],
                source=IncidentSource.PETITION,
                reported_at=now,
                history=[report_step(provenance.actor, now, f"from petition {p.petition.id}")],
            )
            created.append(incident)
            p.incident = open_here[key] = NodeRef(Label.INCIDENT, incident.id)
            edges.append(Edge(EdgeType.OCCURRED_AT, p.incident, p.report.place))
        if created:
            self.store.upsert_nodes(created, provenance)
        edges += [
            Edge(EdgeType.REPORTS, NodeRef(Label.PETITION, p.petition.id), p.incident)
            for p in reports
            if p.incident is not None
        ]
        return edges


def entity_records(links: Sequence[Link]) -> list[dict[str, Any]]:
    return [
        {
            "start": item.entity.start,
            "end": item.entity.end,
            "label": item.entity.label,
            "text": item.entity.text,
            "confidence": item.confidence if item.ref else item.entity.confidence,
            "linked": str(item.ref) if item.ref and item.status != UNLINKED else None,
            "status": item.status,
        }
        for item in links
    ]


def _with_extraction(petition: Petition, x: Extraction, links: Sequence[Link]) -> Petition:
    values: dict[str, Any] = {
        "language": x.language.value,
        "department": x.category[0] if x.category else None,
        "department_confidence": round(x.category[1], 4) if x.category else None,
        "entities": json.dumps(entity_records(links), ensure_ascii=False),
    }
    if petition.nature is None and x.nature is not None:
        values["nature"] = x.nature[0].lower()
        values["nature_confidence"] = round(x.nature[1], 4)
    return petition.model_copy(update=values)


def _edges(p: Processed, submitter: str | None) -> list[Edge]:
    source = NodeRef(Label.PETITION, p.petition.id)
    edges = []
    if submitter:
        edges.append(Edge(EdgeType.SUBMITTED_BY, source, NodeRef(Label.RESIDENT, submitter)))
    for item in p.links:
        if item.ref is None or item.status == UNLINKED:
            continue
        props = {
            "confidence": item.confidence,
            "span": item.entity.text,
            "label": item.entity.label,
            "status": item.status,
            "start": item.entity.start,
            "end": item.entity.end,
        }
        edges.append(Edge(EdgeType.MENTIONS, source, item.ref, props))
    return edges


def _model_values(props: dict[str, Any]) -> dict[str, Any]:
    """A stored petition's own fields (not provenance or version)."""
    return {k: v for k, v in props.items() if k in Petition.model_fields}


def _readable(
    petitions: list[Petition], submitters: list[str | None]
) -> tuple[list[Petition], list[str | None]]:
    """The petitions whose text the pipeline reads (an unreadable one is left as stored)."""
    kept = [(p, s) for p, s in zip(petitions, submitters, strict=True) if _checked(p.text)]
    return [p for p, _ in kept], [s for _, s in kept]


def _checked(text: str) -> bool:
    try:
        check_text(text)
    except TextError:
        return False
    return True
