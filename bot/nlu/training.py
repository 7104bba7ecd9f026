"""Training the intent component with scikit-learn, then storing it as plain arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.nlu.component import CHAR_NGRAMS, WORD_NGRAMS, Features, Model, Space

C = 20.0  # inverse regularisation; chosen with bench/nlu_tuning.py


class SkFeatures:
    """The scikit-learn twin of `component.Features`, used to fit the vocabularies."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(
            ngram_range=WORD_NGRAMS, sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        )
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True)

    def fit(self, pairs: Sequence[tuple[str, str]]) -> SkFeatures:
        self.words.fit([p[0] for p in pairs])
        self.chars.fit([p[1] for p in pairs])
        return self

    def compiled(self) -> Features:
        return Features(
            Space(
                {k: int(v) for k, v in self.words.vocabulary_.items()},
                self.words.idf_.astype(np.float64),
            ),
            Space(
                {k: int(v) for k, v in self.chars.vocabulary_.items()},
                self.chars.idf_.astype(np.float64),
            ),
        )


def _matrix(features: Features, pairs: Sequence[tuple[str, str]]) -> sparse.csr_matrix:
    """The feature vectors of `pairs` as rows of a sparse matrix."""
    indices, values, starts = [], [], [0]
    for pair in pairs:
        index, value = features.vector(pair)
        indices.append(index)
        values.append(value)
        starts.append(starts[-1] + len(index))
    return sparse.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(starts)),
        shape=(len(pairs), features.size),
    )


def fit_model(
    pairs: Sequence[tuple[str, str]],
    labels: Sequence[str],
    item_pairs: dict[str, tuple[str, str]],
    synonyms: dict[str, str],
    c: float | None = None,
) -> Model:
    """Fit the classifier and the item index; the result predicts without scikit-learn."""
    intent_features = SkFeatures().fit(pairs).compiled()
    # float32 (the weights are stored as float32 anyway): newton-cg then keeps its vectors of
    # 2 million weights in half the memory, 109 instead of 219 MB at its peak, and is about
    # three times faster; the weights differ from a float64 fit by 0.05 % (relative norm).
    x = _matrix(intent_features, pairs).astype(np.float32)
    # newton-cg reaches the same optimum (the L2-regularised loss has one) in about two
    # thirds of the time lbfgs takes with 2 million weights (16 s against 23-26 s here)
    classifier = LogisticRegression(
        C=c or C, solver="newton-cg", max_iter=3000, class_weight="balanced"
    )
    classifier.fit(x, list(labels))
    item_features = SkFeatures().fit(list(item_pairs.values())).compiled()
    items = _matrix(item_features, list(item_pairs.values())).toarray()
    return Model(
        synonyms=dict(synonyms),
        labels=[str(label) for label in classifier.classes_],
        intent_features=intent_features,
        weights=classifier.coef_.T.astype(np.float32).copy(),
        intercept=classifier.intercept_.astype(np.float64),
        item_ids=list(item_pairs),
        item_features=item_features,
        item_matrix=items.T.astype(np.float32).copy(),
    )
