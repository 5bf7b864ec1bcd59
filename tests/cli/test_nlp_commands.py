"""`civicgraph nlp extract`, `evaluate` and `hot-issues`, and `ingest` running extraction on the
petitions it loads: bad lines set aside with their reasons while the rest go on; evaluate's
figures equal those of `nlp score` (whose arithmetic is checked by hand) on the pipeline's own
predictions; the committed models stay above a floor on the held-out posts training never
saw; the hot issues of the public unlabelled set include its known ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from civicgraph.cli import app
from civicgraph.settings import get_settings
from tests.cli.test_cli import last_json

runner = CliRunner()
PETITIONS = get_settings().petitions_dir
needs_public_sets = pytest.mark.skipif(
    not (PETITIONS / "teddy2020_labelled.jsonl").is_file(),
    reason=f"the public petition sets are not at {PETITIONS} (CIVICGRAPH_PETITIONS_DIR)",
)
TEXTS = [
    "光华路88号翠湖花园5栋的电梯坏了三天，物业不管，联系电话13912345678",
    "请问A市A5区的社保卡在哪里办理？",
    "The street light on Guanghua Road is broken.",
]


def _lines(path: Path, rows: list[object]) -> Path:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
        ),
        encoding="utf-8",
    )
    return path


def test_extract_writes_each_line_and_sets_bad_ones_aside(tmp_path: Path) -> None:
    source = _lines(
        tmp_path / "in.jsonl",
        [
            {"text": TEXTS[0], "title": "电梯"},
            "{not json",
            {"text": "   "},
            {"text": "Привет, улица грязная"},
            {"title": "no text"},
            {"text": TEXTS[2], "id": 7},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app, ["nlp", "extract", "--in", str(source), "--out", str(out), "--mask"]
    )
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    assert summary["written"] == 2 and summary["rejected"] == 4
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written[1]["id"] == 7 and written[1]["language"] == "en"  # the line's own fields kept
    first = written[0]
    assert "13912345678" not in first["text"] and first["personal"] == [[29, 40, "PHONE"]]
    assert first["category"] and first["nature"] and first["entities"]
    for start, end, label in first["entities"]:
        assert 0 <= start < end <= len(TEXTS[0]) and label in {"PLACE", "ORG", "PERSON", "FACILITY"}
    rejects = [json.loads(line) for line in Path(summary["rejects"]).read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3, 4, 5]
    reasons = " | ".join(r["reason"] for r in rejects)
    for words in ("not JSON", "text: is empty", "no supported language", "text: missing"):
        assert words in reasons


def test_evaluate_agrees_with_score_on_the_pipelines_own_predictions(tmp_path: Path) -> None:
    gold_categories = _lines(
        tmp_path / "categories.jsonl",
        [
            {"text": TEXTS[0], "label": "城乡建设"},
            {"text": TEXTS[1], "label": "劳动和社会保障"},
            {"text": "孩子学校乱收补课费", "label": "教育文体"},
            {"text": "no label here"},
        ],
    )
    gold_entities = _lines(
        tmp_path / "entities.jsonl",
        [
            {
                "text": TEXTS[0],
                "entities": [[0, 6, "PLACE"], [6, 13, "PLACE"], [14, 16, "FACILITY"]],
            },
            {"text": TEXTS[1], "entities": [[2, 4, "PLACE"], [4, 7, "PLACE"]]},
            {"text": TEXTS[1], "entities": [[5, 99, "PLACE"]]},
        ],
    )
    predicted = tmp_path / "predicted.jsonl"
    for gold, flag in ((gold_categories, "--categories"), (gold_entities, "--entities")):
        evaluated = runner.invoke(app, ["nlp", "evaluate", flag, str(gold)])
        assert evaluated.exit_code == 0, evaluated.output
        report = last_json(evaluated.output)
        assert [r["line"] for r in report.pop("rejected")] in ([4], [3])
        good = _lines(
            tmp_path / "good.jsonl",
            [json.loads(line) for line in gold.read_text().splitlines()][
                : 3 if flag == "--categories" else 2
            ],
        )
        assert (
            runner.invoke(
                app, ["nlp", "extract", "--in", str(good), "--out", str(predicted)]
            ).exit_code
            == 0
        )
        scored = runner.invoke(
            app,
            [
                "nlp",
                "score",
                str(good),
                str(predicted),
                *(["--entities"] if flag == "--entities" else []),
            ],
        )
        expected = last_json(scored.output)
        expected.pop("rejected")
        assert report == expected
    assert runner.invoke(app, ["nlp", "evaluate"]).exit_code == 2


@needs_public_sets
def test_committed_models_stay_above_a_floor_on_held_out_posts() -> None:
    from nlp.corpus import HOTLINE, LABELLED, NATURES, annotated, is_dev, posts
    from nlp.evaluate import category_report, entity_report
    from nlp.pipeline import Pipeline

    pipeline = Pipeline.load()
    held_out = [p for p in posts(PETITIONS, LABELLED, "label") if is_dev(p.text)]
    found = pipeline.extract([p.text for p in held_out], [p.title for p in held_out])
    categories = category_report(
        [str(p.label) for p in held_out], [x.category[0] for x in found if x.category]
    )
    assert categories["texts"] == len(held_out) > 400
    assert categories["macro_f1"] >= 0.86
    hotline = [
        p for p in posts(PETITIONS, HOTLINE, "nature") if is_dev(p.text) and p.label in NATURES
    ]
    natures = pipeline.extract([p.text for p in hotline], [p.title for p in hotline])
    nature = category_report(
        [NATURES[str(p.label)] for p in hotline], [x.nature[0] for x in natures if x.nature]
    )
    assert nature["accuracy"] >= 0.85
    examples = [a for a in annotated(PETITIONS) if is_dev(a.text)]
    extracted = pipeline.extract([a.text for a in examples])
    entities = entity_report(
        [a.entities for a in examples], [[e.span() for e in x.entities] for x in extracted]
    )
    assert entities["strict"]["micro"]["f1"] >= 0.6
    assert entities["overlap"]["micro"]["f1"] >= 0.75


@needs_public_sets
def test_hot_issues_of_the_public_set_include_its_known_ones() -> None:
    result = runner.invoke(
        app,
        [
            "nlp",
            "hot-issues",
            "--in",
            str(PETITIONS / "teddy2020_unlabelled_hot_issues.jsonl"),
            "--first",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    issues = last_json(result.output)["issues"]
    places = [i["place"] for i in issues]
    # The set's best-known issues: a concrete mixing plant by 丽发新城 (noise) and parking
    # spaces sold bundled with the flats of 伊景园滨河苑.
    assert any("丽发新城" in p for p in places[:3]) and any("伊景园" in p for p in places[:3])
    assert [i["heat"] for i in issues] == sorted((i["heat"] for i in issues), reverse=True)
    assert all(i["petitions"] >= 2 for i in issues)


def recent(hours: int) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")


def test_ingest_extracts_the_petitions_it_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIVICGRAPH_DATA_DIR", str(tmp_path / "data"))
    exports = tmp_path / "exports"
    exports.mkdir()
    _lines(exports / "grids.jsonl", [{"grid_id": "G1", "name": "翠湖社区", "level": "community"}])
    _lines(
        exports / "buildings.jsonl",
        [
            {
                "building_id": "B1",
                "name": "5栋",
                "compound": "翠湖花园",
                "address": "光华路88号",
                "grid_id": "G1",
            }
        ],
    )
    _lines(
        exports / "petitions.jsonl",
        [
            {
                "petition_id": "P1",
                "text": "翠湖花园5栋楼下停电两天了，投诉！",
                "时间": recent(2),
            },
            {
                "petition_id": "P2",
                "text": "翠湖花园5栋又停电，家里老人受不了",
                "时间": recent(1),
            },
        ],
    )
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["ingest", str(exports), "--json"])
        assert result.exit_code == 0, result.output
        assert last_json(result.output)["petitions_extracted"] == 2
        from civicgraph.wiring import open_store
        from graph.model import EdgeType, Label
        from graph.records import Direction, NodeRef

        opened = open_store(get_settings())
        try:
            store = opened.store
            refs = [NodeRef(Label.PETITION, "P1"), NodeRef(Label.PETITION, "P2")]
            stored = store.get_nodes(refs)
            assert all(stored[r].props.get("department") for r in refs)
            mentions = store.neighbours(refs, [EdgeType.MENTIONS], Direction.OUT)
            assert all(
                NodeRef(Label.BUILDING, "B1") in {n.node.ref for n in mentions[r]} for r in refs
            )
            reported = store.neighbours(refs, [EdgeType.REPORTS], Direction.OUT)
            incidents = {n.node.ref for r in refs for n in reported[r]}
            assert len(incidents) == 1  # the second joined the first's incident
            (incident,) = incidents
            assert store.get_nodes([incident])[incident].props["category"] == "power_outage"
        finally:
            opened.close()
        later = _lines(
            tmp_path / "later.jsonl",
            [{"petition_id": "P3", "text": "翠湖花园5栋门口垃圾没人清理", "时间": recent(1)}],
        )
        plain = runner.invoke(
            app, ["ingest", str(later), "--json", "--kind", "petitions", "--no-extract"]
        )
        assert last_json(plain.output)["petitions_extracted"] == 0
        backfilled = runner.invoke(app, ["nlp", "backfill"])
        assert backfilled.exit_code == 0, backfilled.output
        assert last_json(backfilled.output) == {
            "petitions": 1,
            "extracted": 1,
        }  # only P3 was unread
        assert last_json(runner.invoke(app, ["nlp", "backfill"]).output)["petitions"] == 0
    finally:
        get_settings.cache_clear()
