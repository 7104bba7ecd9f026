"""The spaCy pipeline component that scores intents and retrieves lessons.

spaCy's blank Dutch pipeline gives tokens and lookup lemmas; this component turns them
into word-lemma n-grams and character n-grams (which split Dutch compounds such as
"arbeidsmarktdiscriminatie" into pieces that match "discriminatie"), scores every label
with a linear model trained from `nlu_data/`, and scores every titled item of the guide
by similarity to its own text. Both go on the Doc, so the pipeline is one object that
`spacy.load` restores from the model folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.language import Language
from spacy.tokens import Doc

from bot.nlu.text import fold

COMPONENT = "coach_intents"
if not Doc.has_extension("item_scores"):
    Doc.set_extension("item_scores", default=None)


def doc_terms(doc: Doc, synonyms: dict[str, str]) -> tuple[str, str]:
    """(lemma string for word features, surface string for character features)."""
    lemmas: list[str] = []
    surface: list[str] = []
    for token in doc:
        if token.is_punct or token.is_space:
            continue
        word = fold(token.text)
        word = synonyms.get(word, word)
        lemma = fold(token.lemma_ or token.text)
        lemmas.append(synonyms.get(lemma, synonyms.get(word, lemma)))
        surface.append(word)
    return " ".join(lemmas), " ".join(surface)


class Featurizer:
    """Word-lemma 1-2 grams plus character 2-5 grams within word bounds."""

    def __init__(self, min_df: int = 1) -> None:
        self.words = TfidfVectorizer(
            ngram_range=(1, 2), sublinear_tf=True, min_df=min_df, token_pattern=r"(?u)\b\w+\b"
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=min_df
        )

    def fit(self, pairs: Sequence[tuple[str, str]]) -> Featurizer:
        self.words.fit([p[0] for p in pairs])
        self.chars.fit([p[1] for p in pairs])
        return self

    def transform(self, pairs: Sequence[tuple[str, str]]) -> sparse.csr_matrix:
        words = self.words.transform([p[0] for p in pairs])
        chars = self.chars.transform([p[1] for p in pairs])
        stacked = sparse.hstack([words, chars]).tocsr()
        norms = np.sqrt(stacked.multiply(stacked).sum(axis=1)).A1
        norms[norms == 0] = 1.0
        return sparse.diags(1.0 / norms) @ stacked


class IntentComponent:
    """Scores labels into `doc.cats` and guide items into `doc._.item_scores`."""

    def __init__(self, nlp: Language, name: str = COMPONENT) -> None:
        self.nlp = nlp
        self.name = name
        self.synonyms: dict[str, str] = {}
        self.featurizer: Featurizer | None = None
        self.classifier: LogisticRegression | None = None
        self.retrieval: Featurizer | None = None
        self.item_ids: list[str] = []
        self.item_matrix: sparse.csr_matrix | None = None

    # -- training -------------------------------------------------------------------
    def fit(
        self,
        docs: Sequence[Doc],
        labels: Sequence[str],
        synonyms: dict[str, str],
        item_docs: dict[str, Doc],
        c: float = 20.0,
    ) -> None:
        """Train on docs already run through the earlier pipes (tokens and lemmas)."""
        self.synonyms = dict(synonyms)
        pairs = [doc_terms(doc, self.synonyms) for doc in docs]
        self.featurizer = Featurizer().fit(pairs)
        self.classifier = LogisticRegression(C=c, max_iter=2000)
        self.classifier.fit(self.featurizer.transform(pairs), list(labels))
        item_pairs = [doc_terms(doc, self.synonyms) for doc in item_docs.values()]
        self.retrieval = Featurizer().fit(item_pairs)
        self.item_ids = list(item_docs)
        self.item_matrix = self.retrieval.transform(item_pairs)

    # -- prediction -----------------------------------------------------------------
    @property
    def labels(self) -> list[str]:
        assert self.classifier is not None
        return [str(label) for label in self.classifier.classes_]

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        if self.classifier is None or self.featurizer is None or self.retrieval is None:
            raise RuntimeError("the intent component is not trained; run `coach train`")
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._score(batch)
                batch = []
        if batch:
            yield from self._score(batch)

    def _score(self, docs: list[Doc]) -> list[Doc]:
        assert self.classifier is not None and self.featurizer is not None
        assert self.retrieval is not None and self.item_matrix is not None
        pairs = [doc_terms(doc, self.synonyms) for doc in docs]
        probs = self.classifier.predict_proba(self.featurizer.transform(pairs))
        sims = (self.retrieval.transform(pairs) @ self.item_matrix.T).toarray()
        labels = self.labels
        for doc, row, sim in zip(docs, probs, sims, strict=True):
            doc.cats = dict(zip(labels, row.tolist(), strict=True))
            doc._.item_scores = dict(zip(self.item_ids, sim.tolist(), strict=True))
        return docs

    # -- serialisation ----------------------------------------------------------------
    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {
                "synonyms": self.synonyms,
                "featurizer": self.featurizer,
                "classifier": self.classifier,
                "retrieval": self.retrieval,
                "item_ids": self.item_ids,
                "item_matrix": self.item_matrix,
            },
            path / "model.joblib",
        )

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> IntentComponent:
        state = joblib.load(Path(path) / "model.joblib")
        self.synonyms = state["synonyms"]
        self.featurizer = state["featurizer"]
        self.classifier = state["classifier"]
        self.retrieval = state["retrieval"]
        self.item_ids = state["item_ids"]
        self.item_matrix = state["item_matrix"]
        return self


@Language.factory(COMPONENT)
def make_intent_component(nlp: Language, name: str) -> IntentComponent:
    return IntentComponent(nlp, name)
