"""A change stream of its own for each test (`tests.streams`), and Neo4j settings with change
events on."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicgraph.settings import Settings
from tests.engines import settings_for
from tests.streams import relay, stream

__all__ = ["relay", "stream"]


@pytest.fixture
def neo4j_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return settings_for("neo4j", request, tmp_path / "data").model_copy(update={"changes": True})
