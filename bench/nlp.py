"""Petition NLP benchmark: pipeline load time and model size, extraction throughput on the
public sets (short hotline posts and long message-board posts), and end to end — extraction,
linking against the benchmark community's gazetteer, and the writes (petitions, mentions,
incidents) — with peak memory.

    python -m bench.nlp --residents 20000

The store is the benchmark community of bench/api.py (loaded on first use); the texts are
the public sets in CIVICGRAPH_PETITIONS_DIR (read in place).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.api import loaded_store
from bench.report import report
from civicgraph.settings import Engine, Settings, get_settings
from civicgraph.wiring import open_store, petition_service
from graph.model import Label, Petition
from graph.records import NodeRef, Provenance
from nlp.corpus import HOTLINE, UNLABELLED, posts
from nlp.linking import link
from nlp.pipeline import MODEL_DIR, Pipeline

console = Console(width=160)
PROVENANCE = Provenance("bench", "bench")
LOAD = (
    "import time; t = time.perf_counter(); from nlp.pipeline import Pipeline; "
    "i = time.perf_counter(); Pipeline.load(); e = time.perf_counter(); "
    "print(round(i - t, 3), round(e - i, 3))"
)


def load_times(runs: int = 3) -> dict[str, float]:
    """Import and load seconds in a fresh interpreter (best of `runs`)."""
    found = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LOAD], capture_output=True, text=True, check=True
        )
        found.append(tuple(float(x) for x in out.stdout.split()))
    imported, loaded = min(found, key=sum)
    return {"import_s": imported, "load_s": loaded}


def throughput(pipeline: Pipeline, texts: list[str], titles: list[str], batch: int = 256) -> float:
    started = time.perf_counter()
    for at in range(0, len(texts), batch):
        pipeline.extract(texts[at : at + batch], titles[at : at + batch])
    return round(len(texts) / (time.perf_counter() - started), 1)


def end_to_end(residents: int, texts: list[str], batch: int) -> dict[str, Any]:
    """Petitions naming the community's buildings through extraction, linking and writes."""
    with loaded_store("falkordb", residents) as env:
        settings = Settings(engine=Engine.FALKORDB, data_dir=Path(env["CIVICGRAPH_DATA_DIR"]))
        opened = open_store(settings)
        try:
            store = opened.store
            service = petition_service(store, None)
            started = time.perf_counter()
            gazetteer = service.gazetteers.get()
            gazetteer_s = time.perf_counter() - started
            names = sorted(n for n in gazetteer.names() if len(n) >= 4)
            page = store.list_nodes(Label.RESIDENT, first=2000, fields=("name",))
            people = [r.id for r in page.records]
            rng = random.Random(7)
            petitions = [
                Petition(
                    id=f"BENCH-{uuid.uuid4().hex[:12]}",
                    text=rng.choice(names) + text,
                    submitted_at=datetime.now(UTC),
                )
                for text in texts
            ]
            submitters = [rng.choice(people) for _ in petitions]
            started = time.perf_counter()
            for at in range(0, len(petitions), batch):  # extraction and linking, no writes
                part = petitions[at : at + batch]
                contexts = service.contexts(submitters[at : at + batch])
                found = service.pipeline.extract([p.text for p in part], None, gazetteer)
                for x, submitter in zip(found, submitters[at : at + batch], strict=True):
                    link(x.entities, gazetteer, contexts[submitter])
            linking_s = time.perf_counter() - started
            started = time.perf_counter()
            linked = 0
            written: set[NodeRef] = set()
            for at in range(0, len(petitions), batch):
                done = service.process(
                    petitions[at : at + batch], submitters[at : at + batch], PROVENANCE
                )
                linked += sum(1 for p in done for x in p.links if x.status == "LINKED")
                written |= {NodeRef(Label.PETITION, p.petition.id) for p in done}
                written |= {p.incident for p in done if p.incident is not None}
            seconds = time.perf_counter() - started
            incidents = sum(1 for ref in written if ref.label == Label.INCIDENT)
            for ref in written:  # leave the community as it was for the other benchmarks
                store.delete_node(ref, PROVENANCE)
            return {
                "gazetteer_names": len(gazetteer),
                "gazetteer_build_s": round(gazetteer_s, 2),
                "petitions": len(petitions),
                "extract_link_per_s": round(len(petitions) / linking_s, 1),
                "per_s": round(len(petitions) / seconds, 1),
                "links": linked,
                "incidents": incidents,
            }
        finally:
            opened.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--end-to-end", type=int, default=2_000, help="Petitions written.")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--update-baseline", action="store_true")
    args = parser.parse_args()
    folder = get_settings().petitions_dir
    hotline = posts(folder, HOTLINE)
    board = posts(folder, UNLABELLED)
    pipeline = Pipeline.load()
    rows: dict[str, Any] = {
        **load_times(),
        "model_mb": round(
            sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file()) / 1e6, 2
        ),
        "hotline_chars_mean": round(sum(len(p.text) for p in hotline) / len(hotline)),
        "hotline_per_s": throughput(
            pipeline, [p.text for p in hotline], [p.title for p in hotline], args.batch
        ),
        "board_chars_mean": round(sum(len(p.text) for p in board) / len(board)),
        "board_per_s": throughput(
            pipeline, [p.text for p in board], [p.title for p in board], args.batch
        ),
    }
    texts = [p.text for p in hotline] * (args.end_to_end // len(hotline) + 1)
    rows.update(
        {
            f"end_to_end.{k}": v
            for k, v in end_to_end(args.residents, texts[: args.end_to_end], args.batch).items()
        }
    )
    rows["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    report(console, "civicgraph petition NLP", "nlp", rows, args.update_baseline)


if __name__ == "__main__":
    main()
