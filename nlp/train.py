"""`civicgraph nlp train`: the department classifier from the labelled posts, the nature
classifier from the hotline records, and the entity tagger from the committed annotations,
each trained on the posts outside the held-out part (`corpus.is_dev`) and scored on that part
as the whole pipeline runs. CPU only; the same data give the same models.

With `compare_spacy`, spaCy's CNN recogniser (`nlp.recogniser`) is trained on the same
annotations and scored on the same held-out part, with its speed, for comparison: it is not
saved (the tagger is better and an order of magnitude faster; see the README)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nlp.classifier import LinearClassifier
from nlp.corpus import HOTLINE, LABELLED, NATURES, Annotated, Post, annotated, is_dev, posts
from nlp.evaluate import category_report, entity_report
from nlp.pipeline import MODEL_DIR, Pipeline
from nlp.tagger import CharTagger

Progress = Callable[[str], None]


def _split(items: list[Post]) -> tuple[list[Post], list[Post]]:
    return [p for p in items if not is_dev(p.text)], [p for p in items if is_dev(p.text)]


def _classifier(items: list[Post], c: float) -> tuple[LinearClassifier, list[Post]]:
    train, dev = _split(items)
    model = LinearClassifier.train(
        [p.title for p in train], [p.text for p in train], [str(p.label) for p in train], c=c
    )
    model.fit_temperature(
        [p.title for p in dev], [p.text for p in dev], [str(p.label) for p in dev]
    )
    return model, dev


def train_models(
    folder: Path,
    out: Path = MODEL_DIR,
    epochs: int = 30,
    seed: int = 7,
    progress: Progress | None = None,
    compare_spacy: bool = False,
) -> dict[str, Any]:
    """Train, score on the held-out part, save under `out`; the scores and sizes."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    say("department category")
    category, category_dev = _classifier(posts(folder, LABELLED, "label"), c=10.0)
    say("nature")
    hotline = [
        Post(p.title, p.text, NATURES[p.label])
        for p in posts(folder, HOTLINE, "nature")
        if p.label in NATURES
    ]
    nature, nature_dev = _classifier(hotline, c=1.0)
    say("entities")
    examples = list(annotated(folder))
    train_examples = [a for a in examples if not is_dev(a.text)]
    dev_examples = [a for a in examples if is_dev(a.text)]
    tagger = CharTagger.train(
        [a.text for a in train_examples], [a.entities for a in train_examples]
    )
    pipeline = Pipeline(tagger, category, nature)
    dev_texts = [a.text for a in dev_examples]
    scores = {
        "category": _category_scores(pipeline, category_dev, "category"),
        "nature": _category_scores(pipeline, nature_dev, "nature"),
        "entities": entity_report(
            [a.entities for a in dev_examples],
            [[e.span() for e in x.entities] for x in pipeline.extract(dev_texts)],
        ),
        "tagger_alone": entity_report([a.entities for a in dev_examples], tagger.tag(dev_texts)),
    }
    if compare_spacy:
        say("spaCy recogniser, for comparison")
        scores["spacy_recogniser"] = _spacy_scores(train_examples, dev_examples, epochs, seed, say)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    tagger.save(out / "tagger.npz")
    category.save(out / "category.npz")
    nature.save(out / "nature.npz")
    meta = {
        "seed": seed,
        "trained_on": {
            "category": len(posts(folder, LABELLED)) - len(category_dev),
            "nature": len(hotline) - len(nature_dev),
            "entities": len(train_examples),
        },
        "held_out": {
            "category": len(category_dev),
            "nature": len(nature_dev),
            "entities": len(dev_examples),
        },
        "scores": scores,
        "seconds": round(time.perf_counter() - started, 1),
        "megabytes": round(sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6, 2),
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    return meta


def _category_scores(pipeline: Pipeline, dev: list[Post], which: str) -> dict[str, Any]:
    extractions = pipeline.extract([p.text for p in dev], [p.title for p in dev])
    predicted = [
        (x.category if which == "category" else x.nature) or ("", 0.0) for x in extractions
    ]
    return category_report([str(p.label) for p in dev], [label for label, _ in predicted])


def _spacy_scores(
    train: list[Annotated], dev: list[Annotated], epochs: int, seed: int, say: Progress
) -> dict[str, Any]:
    """spaCy's recogniser on the same split: its held-out scores and texts per second."""
    from nlp import recogniser

    ner = recogniser.train(
        train, epochs=epochs, seed=seed,
        progress=lambda epoch, loss: say(f"spaCy: epoch {epoch}/{epochs}, loss {loss:.0f}"),
    )  # fmt: skip
    texts = [a.text for a in dev]
    started = time.perf_counter()
    found = recogniser.recognised(ner, texts)
    seconds = time.perf_counter() - started
    report = entity_report([a.entities for a in dev], found)
    return {**report, "epochs": epochs, "texts_per_second": round(len(texts) / seconds, 1)}
