"""How annotations are made: the rules' proposals marked for reading, and correction lines
resolved to offsets with the excerpt's length and hash (never the text); a word not in the
text is refused naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.annotating import AnnotationError, propose, resolve
from nlp.corpus import annotated


def _set(folder: Path) -> Path:
    posts = [
        {"title": "", "text": "光华路88号的路灯坏了，王主任说找B3县教育局。后面还有很多很多字。"},
        {"title": "", "text": "梅峰河很臭"},
    ]
    (folder / "demo_set.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8"
    )
    return folder


def test_proposals_are_marked_and_corrections_resolve(tmp_path: Path) -> None:
    folder = _set(tmp_path)
    (first, second) = propose(folder, "demo_set", [0, 1], 24)
    assert first.startswith(
        "0\t【光华路88号|P】的【路灯|F】坏了，【王主任|R】说找【B3县教育局|O】。"
    )
    assert "后面" not in first  # cut at the sentence end within 24 characters
    assert second == "1\t【梅峰河|P】很臭"
    found = resolve(
        folder, "demo_set", ["0\t光华路88号/P 路灯/F 王主任/R B3县教育局/O", "1\t梅峰河/P"], 24
    )
    assert found[0]["entities"] == [
        [0, 6, "PLACE"],
        [7, 9, "FACILITY"],
        [12, 15, "PERSON"],
        [17, 23, "ORG"],
    ]
    assert "text" not in found[0] and found[0]["chars"] == 24
    annotations = tmp_path / "entities.jsonl"
    annotations.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in found))
    texts = [a.text for a in annotated(folder, annotations)]
    assert texts == ["光华路88号的路灯坏了，王主任说找B3县教育局。", "梅峰河很臭"]
    with pytest.raises(AnnotationError, match="demo_set line 1: '黄河/P'"):
        resolve(folder, "demo_set", ["1\t黄河/P"], 24)
