"""The projection built from a real store on both engines, read out in small batches: every
node and relationship arrives, the attributes the models read are right, and an outage
computed on it matches what the store says the failed transformer supplies."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graph.cypher.store import CypherStore
from graph.model import EdgeType, Label
from graph.records import Direction, NodeRef
from ingest.generator.community import generate
from ingest.job.run import load_folder
from risk.build import build_projection
from risk.projection import KIND_CODE
from risk.supply import Network, cascade


def test_the_projection_holds_the_whole_store(store: CypherStore, tmp_path: Path) -> None:
    generate(tmp_path / "community", 300, 5)
    load_folder(store, tmp_path / "community", "test", "pytest")
    store.export.batch = 97  # many batches, none of them full at the end
    p = build_projection(store, today="2026-12-01")
    assert p.seq == store.last_event_seq() > 0
    counts = store.count_nodes()
    for label in Label:
        assert int(p.of_label(label).sum()) == counts[label], label
    for edge_type in EdgeType:
        [row] = store.session.read(f"MATCH ()-[r:{edge_type.value}]->() RETURN count(r) AS n")
        assert int(p.matrix(edge_type).count_nonzero()) == int(row["n"]), edge_type
    ages = p.attrs["age"][p.of_label(Label.RESIDENT)]
    assert not np.isnan(ages).any() and ages.min() >= 0 and ages.max() < 120
    assert np.nanmax(p.attrs["floors"]) >= 1
    # Fail one transformer: the buildings that lose power are those it alone supplies.
    working = (p.attrs["kind"] == KIND_CODE["transformer"]) & (p.attrs["down"] == 0)
    transformers = np.flatnonzero(working)
    chosen = NodeRef.parse(p.ids[transformers[0]])
    failed = np.zeros(p.size, dtype=bool)
    failed[transformers[0]] = True
    out = cascade(p, failed)
    supplied = store.related([chosen], EdgeType.SUPPLIES, Direction.OUT, Label.BUILDING, first=500)
    expected = {f"Building:{item.node.id}" for item in supplied[chosen].items}
    lost = {p.ids[i] for i in np.flatnonzero(out.networks[Network.POWER])}
    assert lost == expected and expected
