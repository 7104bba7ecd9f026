"""The spaCy pipeline component that scores intents and retrieves lessons.

spaCy's blank Dutch pipeline gives tokens and lookup lemmas; this component turns them
into word-lemma n-grams and character n-grams (which split Dutch compounds such as
"arbeidsmarktdiscriminatie" into pieces that match "discriminatie"), scores every label
with a linear model trained from `nlu_data/` (see `bot.nlu.training`), and scores every
titled item of the guide by similarity to its own text. Both go on the Doc, so the pipeline
is one object that `spacy.load` restores from the model folder.

Prediction needs only numpy: the trained TF-IDF vocabularies and weights are stored as
plain arrays, which keeps start-up fast and memory small.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

from bot.nlu.text import fold

COMPONENT = "coach_intents"
TOKENIZER = "coach_nl_tokenizer.v1"
if not Doc.has_extension("item_scores"):
    Doc.set_extension("item_scores", default=None)

WORD_PATTERN = re.compile(r"(?u)\b\w+\b")
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


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


def word_ngrams(text: str) -> list[str]:
    """As scikit-learn's word analyzer: lowercase tokens, then 1- and 2-grams."""
    tokens = WORD_PATTERN.findall(text.lower())
    grams = list(tokens)
    for n in range(2, WORD_NGRAMS[1] + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(text: str) -> list[str]:
    """As scikit-learn's 'char_wb' analyzer: n-grams inside space-padded words."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset : offset + n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:
                break
    return grams


@dataclass
class Space:
    """One TF-IDF feature space (sublinear tf, l2 norm), as trained by scikit-learn."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    def vector(self, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, l2-normed weights) of the grams the model knows."""
        counts = Counter(map(self.vocabulary.get, grams))
        counts.pop(None, None)  # grams the model never saw
        index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[index]
        norm = float(np.sqrt(values @ values)) or 1.0
        return index, values / norm


Grams = tuple[list[str], list[str]]


def grams_of(pair: tuple[str, str]) -> Grams:
    """The word n-grams of the lemma string and the character n-grams of the surface one."""
    return word_ngrams(pair[0]), char_ngrams(pair[1])


@dataclass
class Features:
    """Word-lemma space and character space side by side, the whole vector l2-normed."""

    words: Space
    chars: Space

    @property
    def size(self) -> int:
        return len(self.words.idf) + len(self.chars.idf)

    def vector(self, pair: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        return self.grams_vector(grams_of(pair))

    def grams_vector(self, grams: Grams) -> tuple[np.ndarray, np.ndarray]:
        word_grams, char_grams = grams
        w_index, w_values = self.words.vector(word_grams)
        c_index, c_values = self.chars.vector(char_grams)
        index = np.concatenate((w_index, c_index + len(self.words.idf)))
        values = np.concatenate((w_values, c_values))
        norm = float(np.sqrt(values @ values)) or 1.0
        return index, values / norm


@dataclass
class Model:
    """Everything prediction needs, as arrays."""

    synonyms: dict[str, str]
    labels: list[str]
    intent_features: Features
    weights: np.ndarray  # features x labels
    intercept: np.ndarray  # labels
    item_ids: list[str]
    item_features: Features
    item_matrix: np.ndarray  # features x items

    def scores(self, pair: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
        grams = grams_of(pair)  # the same n-grams feed both spaces
        index, values = self.intent_features.grams_vector(grams)
        logits = values @ self.weights[index] + self.intercept
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        r_index, r_values = self.item_features.grams_vector(grams)
        sims = r_values @ self.item_matrix[r_index]
        return probs, sims

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        np.savez(
            path / "arrays.npz",
            intent_word_idf=self.intent_features.words.idf,
            intent_char_idf=self.intent_features.chars.idf,
            weights=self.weights,
            intercept=self.intercept,
            item_word_idf=self.item_features.words.idf,
            item_char_idf=self.item_features.chars.idf,
            item_matrix=self.item_matrix,
        )
        meta = {
            "synonyms": self.synonyms,
            "labels": self.labels,
            "item_ids": self.item_ids,
            "intent_words": self.intent_features.words.vocabulary,
            "intent_chars": self.intent_features.chars.vocabulary,
            "item_words": self.item_features.words.vocabulary,
            "item_chars": self.item_features.chars.vocabulary,
        }
        (path / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Model:
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        arrays = np.load(path / "arrays.npz")
        return cls(
            synonyms=meta["synonyms"],
            labels=meta["labels"],
            intent_features=Features(
                Space(meta["intent_words"], arrays["intent_word_idf"]),
                Space(meta["intent_chars"], arrays["intent_char_idf"]),
            ),
            weights=arrays["weights"],
            intercept=arrays["intercept"],
            item_ids=meta["item_ids"],
            item_features=Features(
                Space(meta["item_words"], arrays["item_word_idf"]),
                Space(meta["item_chars"], arrays["item_char_idf"]),
            ),
            item_matrix=arrays["item_matrix"],
        )


class IntentComponent:
    """Scores labels into `doc.cats` and guide items into `doc._.item_scores`."""

    def __init__(self, nlp: Language, name: str = COMPONENT) -> None:
        self.nlp = nlp
        self.name = name
        self.model: Model | None = None

    @property
    def labels(self) -> list[str]:
        return list(self.model.labels) if self.model else []

    def __call__(self, doc: Doc) -> Doc:
        if self.model is None:
            raise RuntimeError("the intent component is not trained; run `coach train`")
        probs, sims = self.model.scores(doc_terms(doc, self.model.synonyms))
        doc.cats = dict(zip(self.model.labels, probs.tolist(), strict=True))
        doc._.item_scores = dict(zip(self.model.item_ids, sims.tolist(), strict=True))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        if self.model is None:
            raise RuntimeError("nothing to save: the intent component is not trained")
        self.model.save(Path(path))

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> IntentComponent:
        self.model = Model.load(Path(path))
        return self


@registry.tokenizers(TOKENIZER)
def create_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's Dutch tokenizer without its abbreviation exceptions ("bijv.", "o.a.").

    The exceptions only decide where a full stop goes, which our features drop anyway;
    building them costs half a second at every start (bench/nlu_speed.py).
    """

    def make(nlp: Language) -> Tokenizer:
        defaults = nlp.Defaults
        return Tokenizer(
            nlp.vocab,
            rules={},
            prefix_search=compile_prefix_regex(defaults.prefixes).search,  # type: ignore[arg-type]
            suffix_search=compile_suffix_regex(defaults.suffixes).search,  # type: ignore[arg-type]
            infix_finditer=compile_infix_regex(defaults.infixes).finditer,  # type: ignore[arg-type]
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )

    return make


@Language.factory(COMPONENT)
def make_intent_component(nlp: Language, name: str) -> IntentComponent:
    return IntentComponent(nlp, name)
