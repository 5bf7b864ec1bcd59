"""The committed schema.graphql is exactly what the code serves."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.schema import schema
from civicgraph.cli import app

COMMITTED = Path(__file__).parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema.as_str() + "\n", (
        "schema.graphql is stale: run `civicgraph schema > schema.graphql`"
    )


def test_schema_command_prints_the_sdl() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert "type Query" in result.output and "interface Node" in result.output
