"""A fast character tagger for entities: each character of a text gets a BIO tag (B-PLACE,
I-PLACE, …, O) from a linear model over hashed features of its neighbourhood (the characters
around it, the character pairs and triples it is part of, its script class, and the tag the
rules give it), decoded with Viterbi under the BIO constraints (an I- tag continues a span of
its own label). Features are computed as integer arrays for a whole batch at once, and the
decoding steps through positions for every text of the batch together, so a batch of
petitions costs a few array operations per character position, not Python per character.

Trained by `nlp.train` (a linear SVM over the committed annotations); saved as arrays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from nlp.evaluate import Span
from nlp.rules import rule_entities

LABELS = ("PLACE", "ORG", "PERSON", "FACILITY")
TAGS = ("O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))
BITS = 20
SIZE = 1 << BITS
MASK = SIZE - 1
PAD = 0x110000  # a code point no text holds: the edge of a text
_RULE_CODE = {label: n + 1 for n, label in enumerate(LABELS)}
# Templates: (offsets of the characters it combines). Each becomes one hashed feature.
TEMPLATES: tuple[tuple[int, ...], ...] = (
    (0,), (-1,), (1,), (-2,), (2,), (-3,), (3,),
    (-1, 0), (0, 1), (-2, -1), (1, 2),
    (-1, 0, 1), (-2, -1, 0), (0, 1, 2),
)  # fmt: skip
_NEIGHBOURHOOD = 3


# Characters that end or join names, by the kind of name: what a suffix rule knows, as
# features the model weighs for itself.
_WORD_CLASSES = (
    "省市区县镇乡村组社",
    "路街巷道弄桥",
    "栋幢楼号室单元苑园城庭府湾场厦",
    "局委厅办司厂店校院所站队部处会",
    "的了在是我你他和与及或到从向对把被给于等也都很这那有",
)
_WORD_CLASS = np.zeros(0x110001, dtype=np.int8)
for _n, _chars in enumerate(_WORD_CLASSES, start=1):
    _WORD_CLASS[[ord(c) for c in _chars]] = _n


def _classes(codes: np.ndarray) -> np.ndarray:
    """Script class of each code point: 0 pad, 1 Han, 2 digit, 3 Latin, 4 punctuation/other."""
    out = np.full(codes.shape, 4, dtype=np.int64)
    out[(codes >= 0x4E00) & (codes <= 0x9FFF)] = 1
    out[((codes >= 48) & (codes <= 57)) | ((codes >= 0xFF10) & (codes <= 0xFF19))] = 2
    out[((codes >= 65) & (codes <= 90)) | ((codes >= 97) & (codes <= 122))] = 3
    out[codes == PAD] = 0
    return out


def _rule_marks(text: str, rules: Sequence[Span]) -> np.ndarray:
    """Per character: 0 outside rule spans, else label code × 2 (+1 at a span's start)."""
    marks = np.zeros(len(text), dtype=np.int64)
    for start, end, label in rules:
        marks[start:end] = _RULE_CODE[label] * 2
        marks[start] += 1
    return marks


def features(
    texts: Sequence[str], rules: Sequence[Sequence[Span]] | None = None
) -> tuple[np.ndarray, list[int]]:
    """Hashed feature ids, one row per character of every text (in order), and each text's
    length. `rules`: each text's rule spans, where already found."""
    if rules is None:
        rules = [rule_entities(text) for text in texts]
    lengths = [len(t) for t in texts]
    total = sum(lengths)
    pad = _NEIGHBOURHOOD
    codes = np.full(total + pad * 2 * len(texts), PAD, dtype=np.int64)
    centres = np.empty(total, dtype=np.int64)
    marks = np.empty(total, dtype=np.int64)
    at = row = 0
    for text, found in zip(texts, rules, strict=True):
        at += pad
        codes[at : at + len(text)] = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        centres[row : row + len(text)] = np.arange(at, at + len(text))
        marks[row : row + len(text)] = _rule_marks(text, found)
        at += len(text) + pad
        row += len(text)
    columns = []
    for n, offsets in enumerate(TEMPLATES):
        key = np.full(total, n + 1, dtype=np.int64)
        for offset in offsets:
            key = key * 1_000_003 + codes[centres + offset]
        columns.append(key)
    classes = _classes(codes) * 8 + _WORD_CLASS[codes]
    shape = classes[centres - 1] * 2_500 + classes[centres] * 50 + classes[centres + 1]
    columns.append((len(TEMPLATES) + 1) * 1_000_003 + shape)
    ahead = classes[centres] * 2_500 + classes[centres + 1] * 50 + classes[centres + 2]
    columns.append((len(TEMPLATES) + 4) * 1_000_003 + ahead)
    behind = classes[centres - 2] * 2_500 + classes[centres - 1] * 50 + classes[centres]
    columns.append((len(TEMPLATES) + 5) * 1_000_003 + behind)
    columns.append((len(TEMPLATES) + 6) * 1_000_003 + codes[centres] * 50 + classes[centres + 1])
    columns.append((len(TEMPLATES) + 2) * 1_000_003 + marks)
    columns.append((len(TEMPLATES) + 3) * 1_000_003 + marks * 97 + codes[centres] % 97)
    ids = np.stack(columns, axis=1)
    ids = (ids * 0x9E3779B1) ^ (ids >> 17)
    return (ids & MASK).astype(np.int32), lengths


def _matrix(ids: np.ndarray) -> sparse.csr_matrix:
    rows, width = ids.shape
    indptr = np.arange(0, rows * width + 1, width)
    data = np.ones(rows * width, dtype=np.float32)
    return sparse.csr_matrix((data, ids.ravel(), indptr), shape=(rows, SIZE))


def _allowed() -> np.ndarray:
    """Transition penalties: 0 where tag b may follow tag a, -inf where it may not."""
    allowed = np.zeros((len(TAGS), len(TAGS)), dtype=np.float32)
    for b, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            for a, previous in enumerate(TAGS):
                if previous[2:] != tag[2:]:
                    allowed[a, b] = -np.inf
    return allowed


ALLOWED = _allowed()
START_ALLOWED = np.array([0 if not t.startswith("I-") else -np.inf for t in TAGS], np.float32)


def viterbi(scores: np.ndarray, lengths: Sequence[int]) -> np.ndarray:
    """The best tag of every character (rows of `scores`, texts one after another) under the
    BIO constraints. Texts are taken longest first, so at each position the texts still
    going are a prefix of the batch and step together."""
    sizes = np.asarray(lengths, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    order = np.argsort(-sizes, kind="stable")
    sizes, offsets = sizes[order], offsets[order]
    going = np.searchsorted(-sizes, -np.arange(int(sizes.max(initial=0))), side="left")
    path = np.zeros(len(scores), dtype=np.int64)
    if len(scores) == 0:
        return path
    live = int(going[0])
    best = scores[offsets[:live]] + START_ALLOWED
    back = np.zeros((len(scores), len(TAGS)), dtype=np.int8)
    for position in range(1, len(going)):
        k = int(going[position])
        rows = offsets[:k] + position
        total = best[:k, :, None] + ALLOWED
        back[rows] = total.argmax(axis=1)
        best[:k] = total.max(axis=1) + scores[rows]
    current = best.argmax(axis=1)
    for position in range(len(going) - 1, -1, -1):
        k = int(going[position])
        rows = offsets[:k] + position
        path[rows] = current[:k]
        if position:
            current[:k] = back[rows, current[:k]]
    return path


def spans_of(path: np.ndarray, lengths: Sequence[int]) -> list[list[Span]]:
    """Each text's spans from the tags of all texts' characters: a span starts at a B- tag
    and runs over the I- tags after it (Viterbi never starts a text inside a span)."""
    inside = (path > 0) & (path % 2 == 0)
    starts = np.flatnonzero(path % 2 == 1)
    outside = np.append(np.flatnonzero(~inside), len(path))
    ends = outside[np.searchsorted(outside, starts + 1)]
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    texts = np.searchsorted(offsets, starts, side="right") - 1
    found: list[list[Span]] = [[] for _ in lengths]
    for text, start, end, tag in zip(
        texts.tolist(), starts.tolist(), ends.tolist(), path[starts].tolist(), strict=True
    ):
        base = int(offsets[text])
        found[text].append((start - base, end - base, TAGS[tag][2:]))
    return found


@dataclass
class CharTagger:
    rows: np.ndarray  # int32: the hashed features that carry weight, ascending
    weights: np.ndarray  # float32: one row per kept feature, then a row of zeros
    bias: np.ndarray  # float32: one per tag
    lookup: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lookup = np.full(SIZE, len(self.rows), dtype=np.int32)  # unknown: the zero row
        self.lookup[self.rows] = np.arange(len(self.rows), dtype=np.int32)

    def tag(
        self, texts: Sequence[str], rules: Sequence[Sequence[Span]] | None = None
    ) -> list[list[Span]]:
        """Each text's entity spans (`rules`: each text's rule spans, where already found)."""
        ids, lengths = features(texts, rules)
        kept = self.lookup[ids]
        x = sparse.csr_matrix(
            (
                np.ones(kept.size, np.float32),
                kept.ravel(),
                np.arange(0, kept.size + 1, kept.shape[1]),
            ),
            shape=(kept.shape[0], len(self.weights)),
        )
        scores = np.asarray(x @ self.weights) + self.bias
        return spans_of(viterbi(scores, lengths), lengths)

    @classmethod
    def train(
        cls, texts: Sequence[str], spans: Sequence[Sequence[Span]], c: float = 0.1
    ) -> CharTagger:
        from sklearn.svm import LinearSVC

        ids, _ = features(texts)
        gold = np.concatenate(
            [_tags(text, found) for text, found in zip(texts, spans, strict=True)]
        )
        svm = LinearSVC(C=c).fit(_matrix(ids), gold)
        weights = np.zeros((SIZE, len(TAGS)), dtype=np.float32)
        bias = np.full(len(TAGS), -1e3, dtype=np.float32)  # a tag never seen is never given
        for row, tag in enumerate(svm.classes_):
            weights[:, tag] = svm.coef_[row]
            bias[tag] = svm.intercept_[row]
        rows = np.flatnonzero(np.abs(weights).max(axis=1) > 0).astype(np.int32)
        return cls(rows, _with_zero_row(weights[rows]), bias)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path, rows=self.rows, weights=self.weights[:-1].astype(np.float16), bias=self.bias
        )

    @classmethod
    def load(cls, path: Path) -> CharTagger:
        with np.load(path, allow_pickle=False) as arrays:
            weights = arrays["weights"].astype(np.float32)
            return cls(arrays["rows"], _with_zero_row(weights), arrays["bias"])


def _with_zero_row(weights: np.ndarray) -> np.ndarray:
    return np.vstack([weights, np.zeros((1, weights.shape[1]), dtype=np.float32)])


def _tags(text: str, spans: Sequence[Span]) -> np.ndarray:
    tags = np.zeros(len(text), dtype=np.int64)
    for start, end, label in spans:
        tags[start] = TAGS.index(f"B-{label}")
        tags[start + 1 : end] = TAGS.index(f"I-{label}")
    return tags
