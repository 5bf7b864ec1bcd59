"""An ingest job: files → validated rows → batched writes, with reject files, deferred
references, resident resolution across sources, checkpoints for --resume, and --dry-run.

Rows stream through in batches, so memory does not grow with the file. A row whose reference
(a household's building, say) is not in the graph yet waits in a spill file on disk until the
other file of the job has loaded, and is rejected with the reason if it never arrives.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
from graph.model import Label
from graph.records import NodeRef, Provenance, WriteResult
from graph.write_rows import EdgeGroup, PendingWrite, Row, settled
from ingest.errors import RowError
from ingest.files.formats import input_files, open_tables
from ingest.files.tables import MIN_KNOWN_HEADERS, Table
from ingest.job.collector import bulk_allocation
from ingest.job.items import Batch, Item, Summary, TableReport, batch_keys
from ingest.job.options import TOTALS_CELLS, JobOptions, JobStore, Progress
from ingest.job.reasons import reason_with_headers, unknown_reference_reason
from ingest.job.rejects import RejectWriter, rejects_path
from ingest.job.resolution import resolve
from ingest.job.state import JobState
from ingest.mapping.canonical import LOAD_ORDER
from ingest.mapping.kinds import detect_kind
from ingest.mapping.shaping import RowShaper


class IngestJob:
    def __init__(
        self, store: JobStore, options: JobOptions, progress: Progress | None = None
    ) -> None:
        self.store = store
        self.options = options
        self.progress = progress
        self.batch_size = store.batch_size
        self.reports: list[TableReport] = []
        self.rejects: list[RejectWriter] = []
        self.tables: list[Table] = []
        self.shapers: list[RowShaper] = []
        self.seen_ids: set[NodeRef] = set()  # dry run: what the job would have written
        self.skipped: list[tuple[str, str]] = []  # sheets not loaded, with the reason
        # Writes sent but not yet acknowledged, with the counts they go to (None: counted
        # nowhere); the checkpoint of their batch is saved once they are (`_settle`).
        self.unsettled: list[tuple[Summary | None, PendingWrite]] = []
        self.petitions: list[str] = []  # ids of the petitions written, for extraction after

    # -- planning ------------------------------------------------------------------------
    def plan(self, paths: list[Path]) -> None:
        """Open every input, tell each table's kind, order them so references load first."""
        found: list[tuple[int, int, Table, str]] = []
        mapping = self.options.mapping

        def known_headers(cells: list[str]) -> int:
            return len(mapping.columns_of(cells))

        for position, path in enumerate(paths):
            tables = open_tables(path, self.options.sheet, known_headers)
            for table in tables:
                if len(tables) > 1 and known_headers(table.headers) < MIN_KNOWN_HEADERS:
                    # One sheet of several with no known header (notes, a cover, a chart).
                    self.skipped.append((table.name, "no known column headers: not a data sheet"))
                    continue
                names = [n for n in (table.sheet, path.stem) if n]
                kind = detect_kind(
                    self.options.kind or self.options.mapping.kind,
                    names,
                    table.headers,
                    self.options.mapping,
                )
                found.append((LOAD_ORDER.index(kind), position, table, kind))
        found.sort(key=lambda item: (item[0], item[1]))
        for _, _, table, kind in found:
            self.tables.append(table)
            self.shapers.append(RowShaper.for_table(kind, self.options.mapping, table.headers))
            self.reports.append(TableReport(table.name, kind, title_rows=table.title_rows))
            writer = RejectWriter(table, rejects_path(table, self.options.rejects_dir))
            self.rejects.append(writer)

    # -- running -------------------------------------------------------------------------
    def run(self, paths: list[Path]) -> Summary:
        with bulk_allocation(self.batch_size):
            return self._run(paths)

    def _run(self, paths: list[Path]) -> Summary:
        self.plan(paths)
        state = JobState.for_job(paths, self._state_dir(paths), self.tables)
        state.enabled = not self.options.dry_run
        resuming = self.options.resume and state.load()
        if not resuming:
            state.reset()
            for writer in self.rejects:
                writer.start_fresh()
        try:
            for index, table in enumerate(self.tables):
                self._run_table(index, table, state, resuming)
            self._retry_deferred(state)
        finally:
            for writer in self.rejects:
                writer.close()
        for report, writer in zip(self.reports, self.rejects, strict=True):
            if writer.path.exists():
                report.rejects_file = str(writer.path)
        if not self.options.dry_run:
            self.store.compact()
        state.finish()
        return self.total()

    def total(self) -> Summary:
        total = Summary()
        for report in self.reports:
            for name, value in asdict(report.summary).items():
                setattr(total, name, getattr(total, name) + value)
        return total

    def _state_dir(self, paths: list[Path]) -> Path:
        return self.options.rejects_dir or paths[0].resolve().parent

    def _run_table(self, index: int, table: Table, state: JobState, resuming: bool) -> None:
        report = self.reports[index]
        saved = state.tables[index]
        if resuming:
            report.summary = Summary(**saved.summary)
            self.rejects[index].truncate_to(saved.rejects_bytes)
            if saved.done:
                return
        shaper = self.shapers[index]
        report.ignored_columns = shaper.ignored
        batch = Batch()
        keys: set[Any] = set()
        for number, raw in table.rows:
            if number < saved.next_row:
                report.resumed_after += 1
                continue
            item = self._item(index, number, raw, report.kind, shaper, batch)
            if item is None:
                batch.read += 1
                continue
            item_keys = batch_keys(item)
            if batch.items and (
                len(batch.items) >= self.batch_size or not keys.isdisjoint(item_keys)
            ):
                # This row belongs after the checkpoint of the batch before it.
                self._commit(batch, state, index, next_row=number)
                batch, keys = Batch(), set()
            batch.read += 1
            batch.items.append(item)
            keys |= item_keys
        self._commit(batch, state, index, next_row=None)

    def _item(
        self,
        index: int,
        number: int,
        raw: dict[str, str],
        kind: str,
        shaper: RowShaper,
        batch: Batch,
    ) -> Item | None:
        """The row as an Item, or None after noting its reject in `batch`."""
        if "\x00error" in raw:
            batch.rejects.append((raw, raw["\x00error"]))
            return None
        if "\x00extra" in raw:
            batch.rejects.append((raw, "row: more values than the header has columns"))
            return None
        canonical = shaper.shape(raw)
        try:
            return Item.make(index, number, raw, kind, canonical)
        except (RowError, InvalidInputError) as exc:
            if TOTALS_CELLS.intersection(v.strip() for v in raw.values()):
                batch.rejects.append((raw, "row: a totals row (合计), not data"))
            else:
                batch.rejects.append((raw, reason_with_headers(shaper, exc.problems)))
            return None

    def _reject(self, index: int, raw: dict[str, str], reason: str) -> None:
        self.rejects[index].write(raw, reason)
        self.reports[index].summary.rejected += 1

    # -- writing -------------------------------------------------------------------------
    def _commit(self, batch: Batch, state: JobState, index: int, next_row: int | None) -> None:
        """Settle the batch before (its checkpoint), count and reject this batch's rows,
        resolve, send the writes of what is ready and spill what waits. The table goes on at
        `next_row` (None: the table is done) once these writes are settled in turn."""
        self._settle(state)
        summary = self.reports[index].summary
        summary.read += batch.read
        for raw, reason in batch.rejects:
            self._reject(index, raw, reason)
        if batch.items:
            ready, waiting = self._split_ready(resolve(self.store, batch.items))
            state.defer(waiting)
            self._send(ready)
        saved = state.tables[index]
        if next_row is None:
            saved.done = True
        else:
            saved.next_row = next_row
        if self.progress:
            table = self.tables[index]
            self.progress(table.name, summary.read, table.done() if table.done else None)

    def _settle(self, state: JobState) -> None:
        """Wait for the writes sent so far, count what they did, and save the checkpoint
        that they complete (a checkpoint never runs ahead of what the store acknowledged)."""
        for summary, pending in self.unsettled:
            result = pending()
            if summary is not None:
                summary.add_write(result)
        self.unsettled.clear()
        state.save(self.reports, self.rejects)

    def _split_ready(self, batch: list[Item]) -> tuple[list[Item], list[Item]]:
        """Rows whose references all exist (in the graph or in this batch), and the others."""
        own = {ref for item in batch for ref in item.own}
        outside = {r for item in batch for r in item.refs} - own
        existing = self._existing(outside)
        missing = outside - existing
        if missing and not self.options.dry_run:
            # An id that a source used for a resident merged into another one names that one.
            moved = self.store.aliases_of(missing)
            for item in batch:
                if moved.keys() & set(item.refs):
                    item.redirect(moved)
            existing |= set(moved.values())
        # A row may lean on another row of this batch only if that row is itself ready.
        ready, waiting = list(batch), list[Item]()
        while True:
            known = own | existing
            still = [item for item in ready if not known.issuperset(item.refs)]
            if not still:
                return ready, waiting
            waiting += still
            held = {id(item) for item in still}
            ready = [item for item in ready if id(item) not in held]
            own = {ref for item in ready for ref in item.own}

    def _existing(self, refs: set[NodeRef]) -> set[NodeRef]:
        """Which of `refs` exist: in the graph (one query per label), or written by a dry run."""
        wanted: dict[Label, list[str]] = defaultdict(list)
        for ref in refs:
            wanted[ref.label].append(ref.id)
        found = refs & self.seen_ids
        for label, ids in wanted.items():
            found |= {NodeRef(label, i) for i in self.store.existing_ids(label, sorted(ids))}
        return found

    def _send(self, items: list[Item]) -> None:
        """Send the writes of ready rows (their results are counted by `_settle`)."""
        if not items:
            return
        by_table: dict[int, list[Item]] = defaultdict(list)
        for item in items:
            by_table[item.table].append(item)
        for table, group in by_table.items():
            source = self.options.source or self.tables[table].name
            provenance = Provenance(source, self.options.actor)
            summary = self.reports[table].summary
            summary.accepted += len(group)
            if self.options.dry_run:
                self.seen_ids |= {ref for item in group for ref in item.own}
                continue
            self._send_rows(group, provenance, summary)
            self.petitions += [
                item.node.id for item in group if item.node and item.node.label == Label.PETITION
            ]
            aliases = {item.alias: item.own[0].id for item in group if item.alias}
            if aliases:
                self.store.record_aliases(aliases)

    def _send_rows(self, group: list[Item], provenance: Provenance, summary: Summary) -> None:
        """Read what is stored of the group's nodes and relationships, then send creates for
        the new ones, upserts for the changed ones, and nothing for the rest. Every read goes
        before every write, so the reads never wait for this group's writes."""
        # Rows implied by several rows (the household of housemates) are written once.
        nodes: dict[Label, dict[str, Row]] = defaultdict(dict)
        edges: dict[EdgeGroup, dict[tuple[str, str], Row]] = defaultdict(dict)
        for item in group:
            for label, row in item.node_rows:
                nodes[label].setdefault(row["id"], row)
            for edge_group, row in item.edge_rows:
                edges[edge_group][(row["source"], row["target"])] = row
        node_plans = {
            label: self.store.split_node_rows(label, list(by_id.values()), provenance.source)
            for label, by_id in nodes.items()
        }
        created = {label: {row["id"] for row in plan[0]} for label, plan in node_plans.items()}
        edge_plans = {
            edge_group: self._plan_edges(edge_group, list(by_pair.values()), created)
            for edge_group, by_pair in edges.items()
        }
        own_labels = {item.node.label for item in group if item.node}
        for label, (new, changed, unchanged) in node_plans.items():
            # rows count their own node, not the ones they imply
            counted = summary if label in own_labels else None
            self.unsettled.append((counted, settled(WriteResult(unchanged=unchanged))))
            self._submit(counted, self.store.submit_new_node_rows, label, new, provenance)
            self._submit(counted, self.store.submit_node_rows, label, changed, provenance)
        counted = None if nodes else summary
        for edge_group, (new, changed, unchanged) in edge_plans.items():
            self.unsettled.append((counted, settled(WriteResult(unchanged=unchanged))))
            self._submit(counted, self.store.submit_new_edge_rows, edge_group, new, provenance)
            self._submit(counted, self.store.submit_edge_rows, edge_group, changed, provenance)

    def _plan_edges(
        self, edge_group: EdgeGroup, rows: list[Row], created: dict[Label, set[str]]
    ) -> tuple[list[Row], list[Row], int]:
        """New, changed and unchanged relationship rows: one with an end about to be created
        is new without a look; the others are compared with what is stored (one read)."""
        _, source, target = edge_group
        new_source, new_target = created.get(source, set()), created.get(target, set())
        fresh: list[Row] = []
        others: list[Row] = []
        for row in rows:
            new_end = row["source"] in new_source or row["target"] in new_target
            (fresh if new_end else others).append(row)
        if not others:
            return fresh, [], 0
        new, changed, unchanged = self.store.split_edge_rows(edge_group, others)
        return fresh + new, changed, unchanged

    def _submit(
        self,
        counted: Summary | None,
        submit: Callable[[Any, list[Row], Provenance], PendingWrite],
        group: Any,
        rows: list[Row],
        provenance: Provenance,
    ) -> None:
        """Send `rows` (if any) with one of the store's submit methods; their result counts
        toward `counted` when settled."""
        if rows:
            self.unsettled.append((counted, submit(group, rows, provenance)))

    def _retry_deferred(self, state: JobState) -> None:
        """Load waiting rows whose references have arrived, pass after pass over the spill file
        until a pass loads none; reject the rest. A checkpoint follows every chunk."""
        self._settle(state)
        while True:
            start, end = state.waiting_from, state.waiting_bytes()
            progressed = False
            for chunk, offset in state.deferred(start, end, self.batch_size):
                ready, still = self._split_ready(resolve(self.store, chunk))
                self._send(ready)
                progressed |= bool(ready)
                state.defer(still)
                state.waiting_from = offset
                self._settle(state)
            if not progressed:
                break
        start, end = state.waiting_from, state.waiting_bytes()
        for chunk, offset in state.deferred(start, end, self.batch_size):
            existing = self._existing({r for item in chunk for r in item.refs})
            for item in chunk:
                reason = unknown_reference_reason(item, existing)
                self._reject(
                    item.table, item.raw, reason_with_headers(self.shapers[item.table], [reason])
                )
            state.waiting_from = offset
            state.save(self.reports, self.rejects)
        state.clear_deferred()
        state.save(self.reports, self.rejects)


def load_folder(
    store: JobStore,
    folder: Path,
    source: str,
    actor: str,
    progress: Progress | None = None,
) -> tuple[Summary, IngestJob]:
    """Load a folder of exports (the canonical files `demo generate` writes, say) through the
    job, in reference order, with reject files in the folder."""
    job = IngestJob(store, JobOptions(source=source, actor=actor), progress)
    return job.run(input_files([folder])), job
