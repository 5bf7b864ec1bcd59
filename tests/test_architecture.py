"""The code's shape: no module imports itself back through others (module-level cycles make
the layers of import-linter's contracts in pyproject.toml meaningless)."""

from __future__ import annotations

import grimp

PACKAGES = ("civicgraph", "graph", "api", "events", "ingest", "nlp", "queries", "risk")


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph(*PACKAGES)
    cycles = [
        f"{importer} -> {imported} -> ... -> {importer}"
        for importer in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if graph.chain_exists(importer=imported, imported=importer)
    ]
    assert cycles == []
