"""A linear text classifier over character n-grams: the title and the body hashed apart
(a word in the title says more about the department than the same word deep in the body),
sublinear TF-IDF weights, a linear SVM, and confidences from a softmax whose temperature is
fitted on held-out posts.

Only the columns seen in training are kept, in half precision: the saved model is a few MB of
arrays (`.npz`, no pickle), and scoring a batch is one sparse product."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

FEATURES = 2**20  # hashed columns of each part (title, body)
NGRAMS = (1, 3)


def _ngram_counts(texts: Sequence[str], offset: int) -> sparse.csr_matrix:
    """Counts of each text's character 1- to 3-grams, hashed into FEATURES columns from
    `offset`: computed for all texts at once from their code points."""
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    gaps = codes == 0  # the separators between texts
    rows = np.cumsum(gaps) if len(codes) else codes
    keys, owners = [], []
    for n in range(NGRAMS[0], NGRAMS[1] + 1):
        if len(codes) < n:
            break
        key = np.full(len(codes) - n + 1, n, dtype=np.int64)
        spans_gap = np.zeros(len(codes) - n + 1, dtype=bool)
        for k in range(n):
            part = codes[k : len(codes) - n + 1 + k]
            key = key * 1_114_112 + part
            spans_gap |= gaps[k : len(codes) - n + 1 + k]
        keys.append(key[~spans_gap])
        owners.append(rows[: len(codes) - n + 1][~spans_gap])
    key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    mixed = key.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)  # wraps: a hash
    columns = ((mixed >> np.uint64(24)) % np.uint64(FEATURES)).astype(np.int64) + offset
    owner = np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64)
    counts = sparse.coo_matrix(
        (np.ones(len(columns), dtype=np.float32), (owner, columns)),
        shape=(len(texts), 2 * FEATURES),
    )
    return counts.tocsr()


def hashed(titles: Sequence[str], texts: Sequence[str]) -> sparse.csr_matrix:
    """Raw n-gram counts: the title's columns, then the body's."""
    return sparse.csr_matrix(
        _ngram_counts([t.replace("\x00", " ") for t in titles], 0)
        + _ngram_counts([t.replace("\x00", " ") for t in texts], FEATURES)
    )


def _weighted(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear term frequency times idf, each row scaled to unit length."""
    x = counts.copy()
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ x, dtype=np.float32)


@dataclass
class LinearClassifier:
    labels: list[str]
    columns: np.ndarray  # int32: the hashed columns seen in training
    idf: np.ndarray  # float32, one per kept column
    coef: np.ndarray  # float16, labels × kept columns
    intercept: np.ndarray  # float32, one per label
    temperature: float = 1.0

    def _remap(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """The counts of the kept columns only, renumbered in the kept order."""
        entries = counts.tocoo()
        kept = np.searchsorted(self.columns, entries.col)
        kept[kept == len(self.columns)] = 0
        keep = self.columns[kept] == entries.col if len(self.columns) else kept < 0
        return sparse.csr_matrix(
            (entries.data[keep], (entries.row[keep], kept[keep])),
            shape=(counts.shape[0], len(self.columns)),
            dtype=np.float32,
        )

    def decision(self, titles: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return self.decision_of(hashed(titles, texts))

    def decision_of(self, counts: sparse.csr_matrix) -> np.ndarray:
        """Scores from `hashed` counts (computed once for several classifiers)."""
        x = _weighted(self._remap(counts), self.idf)
        return np.asarray(x @ self.coef.T.astype(np.float32)) + self.intercept

    def predict(self, titles: Sequence[str], texts: Sequence[str]) -> list[tuple[str, float]]:
        """Each text's label and the confidence in it."""
        return self.predict_counts(hashed(titles, texts))

    def predict_counts(self, counts: sparse.csr_matrix) -> list[tuple[str, float]]:
        p = softmax(self.decision_of(counts), self.temperature)
        best = p.argmax(axis=1)
        return [(self.labels[b], float(p[n, b])) for n, b in enumerate(best)]

    # -- training and files ---------------------------------------------------------------
    @classmethod
    def train(
        cls, titles: Sequence[str], texts: Sequence[str], labels: Sequence[str], c: float = 1.0
    ) -> LinearClassifier:
        from sklearn.svm import LinearSVC

        counts = hashed(titles, texts)
        columns = np.unique(counts.indices).astype(np.int32)
        model = cls(sorted(set(labels)), columns, np.ones(len(columns), np.float32), *_empty())
        counts = model._remap(counts)
        seen = np.bincount(counts.indices, minlength=len(columns))
        model.idf = (np.log((1 + counts.shape[0]) / (1 + seen)) + 1).astype(np.float32)
        svm = LinearSVC(C=c, class_weight="balanced").fit(_weighted(counts, model.idf), labels)
        order = [list(svm.classes_).index(label) for label in model.labels]
        coef = svm.coef_ if len(model.labels) > 2 else np.vstack([-svm.coef_, svm.coef_])
        intercept = svm.intercept_ if len(model.labels) > 2 else np.array([-1, 1]) * svm.intercept_
        model.coef = coef[order].astype(np.float16)
        model.intercept = intercept[order].astype(np.float32)
        return model

    def fit_temperature(
        self, titles: Sequence[str], texts: Sequence[str], labels: Sequence[str]
    ) -> None:
        """The softmax temperature that makes held-out confidences likeliest."""
        decision = self.decision(titles, texts)
        gold = np.array([self.labels.index(label) for label in labels])
        best = min(
            np.geomspace(0.05, 20, 60),
            key=lambda t: -np.log(softmax(decision, t)[np.arange(len(gold)), gold] + 1e-9).sum(),
        )
        self.temperature = float(best)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            labels=np.array(self.labels),
            columns=self.columns,
            idf=self.idf,
            coef=self.coef,
            intercept=self.intercept,
            temperature=np.array(self.temperature),
        )

    @classmethod
    def load(cls, path: Path) -> LinearClassifier:
        with np.load(path, allow_pickle=False) as arrays:
            return cls(
                [str(label) for label in arrays["labels"]],
                arrays["columns"],
                arrays["idf"],
                arrays["coef"],
                arrays["intercept"],
                float(arrays["temperature"]),
            )


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros((0, 0), np.float16), np.zeros(0, np.float32)


def softmax(decision: np.ndarray, temperature: float) -> np.ndarray:
    z = decision / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))
