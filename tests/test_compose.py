"""docker-compose.yml describes the production-like stack (validated with `docker-compose
config -q` where Docker tooling exists; here its structure is checked)."""

from __future__ import annotations

from pathlib import Path

import yaml

from civicgraph.settings import Settings

COMPOSE = Path(__file__).parents[1] / "docker-compose.yml"


def test_compose_runs_neo4j_redis_and_the_api() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    services = spec["services"]
    assert services["neo4j"]["image"] == "neo4j:5-community"
    assert services["redis"]["image"] == "redis:7"
    api = services["api"]
    assert api["build"] == "."
    known = {f"CIVICGRAPH_{name.upper()}" for name in Settings.model_fields}
    assert set(api["environment"]) <= known
    assert api["environment"]["CIVICGRAPH_ENGINE"] == "neo4j"
