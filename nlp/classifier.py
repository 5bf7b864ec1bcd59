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
from sklearn.feature_extraction.text import HashingVectorizer

FEATURES = 2**20  # hashed columns of each part (title, body)
NGRAMS = (1, 3)


def _vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char",
        ngram_range=NGRAMS,
        n_features=FEATURES,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def hashed(titles: Sequence[str], texts: Sequence[str]) -> sparse.csr_matrix:
    """Raw n-gram counts: the title's columns, then the body's."""
    vectorizer = _vectorizer()
    title = vectorizer.transform(titles)
    body = vectorizer.transform(texts)
    return sparse.hstack([title, body], format="csr", dtype=np.float32)


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
        lookup = np.full(2 * FEATURES, -1, dtype=np.int32)
        lookup[self.columns] = np.arange(len(self.columns), dtype=np.int32)
        entries = counts.tocoo()
        kept = lookup[entries.col]
        keep = kept >= 0
        return sparse.csr_matrix(
            (entries.data[keep], (entries.row[keep], kept[keep])),
            shape=(counts.shape[0], len(self.columns)),
            dtype=np.float32,
        )

    def decision(self, titles: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        x = _weighted(self._remap(hashed(titles, texts)), self.idf)
        return np.asarray(x @ self.coef.T.astype(np.float32)) + self.intercept

    def probabilities(self, titles: Sequence[str], texts: Sequence[str]) -> np.ndarray:
        return softmax(self.decision(titles, texts), self.temperature)

    def predict(self, titles: Sequence[str], texts: Sequence[str]) -> list[tuple[str, float]]:
        """Each text's label and the confidence in it."""
        p = self.probabilities(titles, texts)
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
