"""Scoring petition extraction against hand-labelled texts: classification (accuracy,
macro-F1 and per-class precision, recall and F1 over every class that the gold labels or the
predictions name) and entities (precision, recall and F1 per label and micro-averaged, under
strict span match and under overlap match, per `../shared/NLP_ENTITIES.md`).

Overlap match pairs each gold span with at most one predicted span of the same label that
shares a character with it, and the other way round. Spans of one side are flat (they do not
overlap one another), so pairing them left to right finds the most pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

Span = tuple[int, int, str]  # start, end (Python offsets, end exclusive), label


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _scores(true_positive: int, predicted: int, gold: int) -> dict[str, Any]:
    precision = _ratio(true_positive, predicted)
    recall = _ratio(true_positive, gold)
    f1 = _ratio(2 * true_positive, predicted + gold)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": gold,
    }


def category_report(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and each class's figures of one label per text."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    hits = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    classes = sorted(set(gold_counts) | set(predicted_counts))
    per_class = {
        label: _scores(hits[label], predicted_counts[label], gold_counts[label])
        for label in classes
    }
    f1s = [_ratio(2 * hits[c], predicted_counts[c] + gold_counts[c]) for c in classes]
    return {
        "texts": len(gold),
        "accuracy": round(_ratio(sum(hits.values()), len(gold)), 4),
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "classes": per_class,
    }


def _overlap_pairs(gold: list[tuple[int, int]], predicted: list[tuple[int, int]]) -> int:
    """How many one-to-one pairs of overlapping spans two flat lists of spans make."""
    gold, predicted = sorted(gold), sorted(predicted)
    i = j = pairs = 0
    while i < len(gold) and j < len(predicted):
        (gold_start, gold_end), (start, end) = gold[i], predicted[j]
        if gold_start < end and start < gold_end:
            pairs += 1
            i += 1
            j += 1
        elif gold_end <= start:
            i += 1
        else:
            j += 1
    return pairs


def _matches(gold: Sequence[Span], predicted: Sequence[Span], label: str, strict: bool) -> int:
    mine = [(s, e) for s, e, lab in gold if lab == label]
    theirs = [(s, e) for s, e, lab in predicted if lab == label]
    if strict:
        return len(set(mine) & set(theirs))
    return _overlap_pairs(mine, theirs)


def entity_report(
    gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]
) -> dict[str, Any]:
    """Per label and micro-averaged figures of the spans found in each text, under strict
    and under overlap match."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold texts but {len(predicted)} predicted")
    labels = sorted({s[2] for spans in gold for s in spans} | {s[2] for p in predicted for s in p})
    gold_counts = Counter(s[2] for spans in gold for s in spans)
    predicted_counts = Counter(s[2] for spans in predicted for s in spans)
    report: dict[str, Any] = {"texts": len(gold)}
    for mode, strict in (("strict", True), ("overlap", False)):
        hits = Counter(
            {
                label: sum(
                    _matches(g, p, label, strict) for g, p in zip(gold, predicted, strict=True)
                )
                for label in labels
            }
        )
        report[mode] = {
            "micro": _scores(
                sum(hits.values()), sum(predicted_counts.values()), sum(gold_counts.values())
            ),
            "labels": {
                label: _scores(hits[label], predicted_counts[label], gold_counts[label])
                for label in labels
            },
        }
    return report
