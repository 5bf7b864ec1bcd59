"""The trained entity recogniser: spaCy's transition-based NER over character tokens
(`spacy.blank("zh")` segments Chinese by character, so regex and gazetteer spans always align
with tokens), with a small hashed-embedding CNN. It learns PLACE, ORG, PERSON and FACILITY from
the committed annotations (`nlp/annotations/entities.jsonl`)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.training import Example

from nlp.corpus import Annotated
from nlp.evaluate import Span

LABELS = ("PLACE", "ORG", "PERSON", "FACILITY")
MODEL = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 96,
        "depth": 4,
        "embed_size": 5000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": False,
    },
}


def blank() -> Language:
    """A Chinese pipeline that segments by character and reads nothing from the network."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})


def train(
    examples: Sequence[Annotated],
    epochs: int = 30,
    seed: int = 7,
    progress: Callable[[int, float], None] | None = None,
) -> Language:
    """A recogniser trained on `examples`, the same for the same examples and seed."""
    spacy.util.fix_random_seed(seed)
    nlp = blank()
    ner = nlp.add_pipe("ner", config={"model": MODEL})
    for label in LABELS:
        ner.add_label(label)  # type: ignore[attr-defined]
    data = [
        Example.from_dict(nlp.make_doc(item.text), {"entities": list(item.entities)})
        for item in examples
    ]
    optimizer = nlp.initialize(lambda: data)
    shuffle = random.Random(seed)
    for epoch in range(epochs):
        shuffle.shuffle(data)
        losses: dict[str, float] = {}
        for batch in spacy.util.minibatch(data, size=8):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        if progress is not None:
            progress(epoch + 1, losses.get("ner", 0.0))
    return nlp


def recognised(nlp: Language, texts: Sequence[str], batch_size: int = 64) -> list[list[Span]]:
    """Each text's recognised entities as (start, end, label)."""
    return [
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=batch_size)
    ]


def load(path: Path) -> Language:
    return spacy.load(path)
