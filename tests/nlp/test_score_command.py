"""`civicgraph nlp score` on small files: the figures of the lines that pair up, and every
line that cannot be scored set aside with its number and reason while the rest go on."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from civicgraph.cli import app
from tests.cli.test_cli import last_json

runner = CliRunner()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_categories_are_scored_and_bad_lines_set_aside(tmp_path: Path) -> None:
    gold = _write(
        tmp_path / "gold.jsonl",
        [
            json.dumps({"text": "路灯坏了", "label": "城乡建设"}, ensure_ascii=False),
            json.dumps({"text": "社保卡", "label": "劳动和社会保障"}, ensure_ascii=False),
            json.dumps({"text": "噪音", "label": "环境保护"}, ensure_ascii=False),
            "{not json",
            json.dumps({"text": "学校", "label": "教育文体"}, ensure_ascii=False),
        ],
    )
    found = _write(
        tmp_path / "found.jsonl",
        [
            json.dumps({"text": "路灯坏了", "category": {"label": "城乡建设", "confidence": 0.9}}),
            json.dumps({"text": "社保卡", "category": "城乡建设"}, ensure_ascii=False),
            json.dumps({"text": "另一段", "category": "环境保护"}, ensure_ascii=False),
            json.dumps({"text": "x", "category": "教育文体"}, ensure_ascii=False),
            json.dumps({"text": "学校"}, ensure_ascii=False),
        ],
    )
    result = runner.invoke(app, ["nlp", "score", str(gold), str(found)])
    assert result.exit_code == 0, result.output
    report = last_json(result.output)
    assert report["texts"] == 2 and report["accuracy"] == 0.5
    assert report["classes"]["城乡建设"]["precision"] == 0.5
    assert report["rejected"] == [
        {"line": 3, "reason": "the predicted line is about another text"},
        {"line": 4, "reason": "not JSON (Expecting property name enclosed in double quotes "
                              "at column 2)"},
        {"line": 5, "reason": "category: missing or not a label"},
    ]  # fmt: skip


def test_entities_are_scored_strict_and_overlapping(tmp_path: Path) -> None:
    text = "光华路88号的路灯不亮"
    gold = _write(
        tmp_path / "gold.jsonl",
        [json.dumps({"text": text, "entities": [[0, 6, "PLACE"], [7, 9, "FACILITY"]]})],
    )
    found = _write(
        tmp_path / "found.jsonl",
        [json.dumps({"text": text, "entities": [[0, 3, "PLACE"], [7, 9, "FACILITY"]]})],
    )
    result = runner.invoke(app, ["nlp", "score", str(gold), str(found), "--entities"])
    assert result.exit_code == 0, result.output
    report = last_json(result.output)
    assert report["strict"]["micro"]["f1"] == 0.5
    assert report["overlap"]["micro"]["f1"] == 1.0
    outside = _write(
        tmp_path / "outside.jsonl", [json.dumps({"text": text, "entities": [[5, 40, "PLACE"]]})]
    )
    bad = last_json(
        runner.invoke(app, ["nlp", "score", str(gold), str(outside), "--entities"]).output
    )
    assert bad["rejected"] == [
        {"line": 1, "reason": "entities[0]: not [start, end, label] within the text"}
    ]


def test_files_of_different_lengths_are_refused_by_name(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", ['{"text": "a", "label": "x"}'] * 2)
    found = _write(tmp_path / "found.jsonl", ['{"text": "a", "category": "x"}'])
    result = runner.invoke(app, ["nlp", "score", str(gold), str(found)], env={"COLUMNS": "300"})
    assert result.exit_code == 2
    assert "gold has 2 lines, predicted 1: pair them by line" in result.output
