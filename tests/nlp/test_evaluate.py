"""The scoring arithmetic on tiny hand-checked cases: accuracy, per-class and macro-F1 of
categories; entity precision, recall and F1 per label and micro-averaged under strict and
overlap match (one pairing per span, never across texts)."""

from __future__ import annotations

import pytest

from nlp.evaluate import category_report, entity_report


def test_category_figures_by_hand() -> None:
    report = category_report(["A", "A", "B", "B", "C"], ["A", "B", "B", "B", "A"])
    assert report["accuracy"] == 0.6
    assert report["classes"]["A"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["classes"]["B"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert report["classes"]["C"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert report["macro_f1"] == round((0.5 + 0.8 + 0.0) / 3, 4)


def test_a_class_only_predicted_counts_in_the_macro_average() -> None:
    report = category_report(["A", "A"], ["A", "Z"])
    assert report["classes"]["Z"]["support"] == 0
    assert report["macro_f1"] == round((2 / 3 + 0.0) / 2, 4)


def test_entity_figures_by_hand() -> None:
    gold = [[(0, 5, "PLACE"), (6, 10, "ORG")], [(3, 8, "PLACE"), (10, 12, "PERSON")]]
    found = [
        [(0, 5, "PLACE"), (7, 12, "ORG"), (20, 22, "PERSON")],
        [(2, 4, "PLACE"), (5, 7, "PLACE")],
    ]
    report = entity_report(gold, found)
    strict, overlap = report["strict"], report["overlap"]
    assert strict["labels"]["PLACE"] == {
        "precision": 0.3333, "recall": 0.5, "f1": 0.4, "support": 2,
    }  # fmt: skip
    assert strict["labels"]["ORG"]["f1"] == 0.0 and strict["labels"]["PERSON"]["f1"] == 0.0
    assert strict["micro"] == {"precision": 0.2, "recall": 0.25, "f1": 0.2222, "support": 4}
    # Both predicted places overlap the gold one in the second text: one pair only.
    assert overlap["labels"]["PLACE"] == {
        "precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2,
    }  # fmt: skip
    assert overlap["labels"]["ORG"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    # A person found in one text is no match for a person in another.
    assert overlap["labels"]["PERSON"]["f1"] == 0.0
    assert overlap["micro"] == {"precision": 0.6, "recall": 0.75, "f1": 0.6667, "support": 4}


def test_a_span_pairs_at_most_once_under_overlap() -> None:
    one_long = [[(0, 10, "PLACE")]]
    three_short = [[(0, 2, "PLACE"), (3, 5, "PLACE"), (6, 9, "PLACE")]]
    report = entity_report(one_long, three_short)["overlap"]["micro"]
    assert (report["precision"], report["recall"]) == (0.3333, 1.0)
    reverse = entity_report(three_short, one_long)["overlap"]["micro"]
    assert (reverse["precision"], reverse["recall"]) == (1.0, 0.3333)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        category_report(["A", "B"], ["A"])
    with pytest.raises(ValueError, match="1 gold texts but 0 predicted"):
        entity_report([[]], [])
