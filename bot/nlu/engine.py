"""Train, load and query the NLU: one spaCy pipeline in a model folder.

`NLU.parse` turns one message into a `Parse`: the intent (a meta intent, `ask_lesson`,
`about_guide` or `out_of_scope`), a confidence, and for lesson questions the ranked items
of the guide. The classifier's label probabilities are blended with retrieval over the
guide's own text, so a question worded like the guide lands even when the training data
never saw it, and a situation worded like the training data lands even when it shares no
word with the guide.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language

from bot.knowledge import Knowledge
from bot.memory import return_free_memory
from bot.nlu import component as _component  # registers the spaCy factory
from bot.nlu.data import fingerprint, load_training_data
from bot.nlu.text import MAX_NLU_CHARS, clean
from bot.settings import Settings

log = logging.getLogger(__name__)

FEATURE_VERSION = "coach-nlu-8"
_WORD = re.compile(r"(?u)\b\w+\b")  # the word features' token pattern (training.SkFeatures)
LESSON = "ask_lesson"
ABOUT = "about_guide"
OUT_OF_SCOPE = "out_of_scope"
OOS_KIND_ENTITY = "oos_kind"  # the entity that carries Parse.kind in Rasa's message shape
META_INTENTS = (
    "greet",
    "goodbye",
    "thanks",
    "help",
    "start_reflection",
    "daily_prompt_settings",
    "my_reflections",
    "export_my_data",
    "delete_my_data",
    "start_onboarding",
    "privacy_info",
)


@dataclass(frozen=True)
class Thresholds:
    """Decision settings, chosen with `bench/nlu_tuning.py` on the training data's folds."""

    retrieval_weight: float = 0.0  # weight of similarity to the guide's text in the ranking
    reject_below: float = 0.03  # a lesson score below this is "not in the guide"
    oos_above: float = 0.3  # out-of-scope must be at least this sure to win
    retrieval_rescue: float = 0.35  # similarity that overrides an out-of-scope guess
    ambiguous_ratio: float = 0.75  # second candidate within this share of the first...
    confident_above: float = 0.65  # ...unless the first is at least this sure
    meta_below: float = 0.20  # a meta intent below this is not trusted
    # issue 12: a lesson guess that is no clear winner over a sizeable out-of-scope share is
    # rejected: out-of-scope (all kinds together) at least this sure...
    oos_margin_above: float = 0.2  # (above 1 turns the rule off)
    margin_lesson_below: float = 0.5  # ...while the best lesson is below this
    kind_above: float = 0.15  # a rejection for a weak lesson names a kind this sure only


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float


@dataclass(frozen=True)
class Parse:
    text: str
    intent: str
    confidence: float
    lesson: str | None = None
    topic: str | None = None
    alternatives: tuple[Candidate, ...] = field(default=())
    ambiguous: bool = False
    kind: str | None = None  # out_of_scope only: what sort of question (knowledge/referrals.yaml)


# issue 13: shown on screen when a process must train before it can answer
TRAINING_FIRST = (
    "Het taalmodel wordt voor het eerst getraind, dat duurt ongeveer een halve minuut… "
    "(daarna start het in seconden; `make setup` of `coach train` doet dit vooraf)"
)
# the steps of a training, shown as it goes (issue 13: progress on screen)
TRAINING_STEPS = (
    "1/3 de voorbeeldzinnen worden gelezen…",
    "2/3 het model leert de vragen herkennen (de langste stap)…",
    "3/3 het model wordt opgeslagen…",
)


def _on_screen(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class NLU:
    """The trained pipeline plus the decision rules on top of it."""

    def __init__(self, nlp: Language, thresholds: Thresholds = Thresholds()) -> None:
        self.nlp = nlp
        self.thresholds = thresholds

    # -- lifecycle ---------------------------------------------------------------------
    @classmethod
    def load_or_train(
        cls, knowledge: Knowledge, data_dir: Path, model_dir: Path, knowledge_dir: Path
    ) -> NLU:
        """Load the model folder; train first when it is missing or older than the data."""
        expected = fingerprint(data_dir, knowledge_dir, extra=FEATURE_VERSION)
        meta = _read_meta(model_dir)
        if meta is None or meta.get("fingerprint") != expected:
            log.info("NLU model missing or stale; training into %s", model_dir)
            # issue 13: say so on screen, a first start otherwise looks hung
            print(TRAINING_FIRST, file=sys.stderr, flush=True)
            meta = train(knowledge, data_dir, model_dir, knowledge_dir, progress=_on_screen)
            print(f"Klaar: het taalmodel is getraind in {meta['seconds']} s.", file=sys.stderr)
        return cls(spacy.load(model_dir / "pipeline"))

    # -- querying -----------------------------------------------------------------------
    def parse(self, text: str) -> Parse:
        return self.parse_many([text])[0]

    def parse_many(self, texts: Sequence[str]) -> list[Parse]:
        cleaned = [clean(t)[:MAX_NLU_CHARS] for t in texts]
        docs = self.nlp.pipe(cleaned, batch_size=256)
        return [
            self.decide(text, doc.cats, doc._.item_scores or {})
            for text, doc in zip(cleaned, docs, strict=True)
        ]

    def decide(self, text: str, cats: dict[str, float], sims: dict[str, float]) -> Parse:
        """Turn label probabilities and item similarities into one reading of the message."""
        t = self.thresholds
        lesson_p = {k.split("/", 1)[1]: v for k, v in cats.items() if k.startswith(LESSON + "/")}
        topic_p = {k.split("/", 1)[1]: v for k, v in cats.items() if k.startswith(ABOUT + "/")}
        kind_p = {
            k.split("/", 1)[1]: v for k, v in cats.items() if k.startswith(OUT_OF_SCOPE + "/")
        }
        groups = {
            LESSON: sum(lesson_p.values()),
            ABOUT: sum(topic_p.values()),
            OUT_OF_SCOPE: cats.get(OUT_OF_SCOPE, 0.0) + sum(kind_p.values()),
        }
        groups.update({m: cats.get(m, 0.0) for m in META_INTENTS})

        combined = {
            item: (1 - t.retrieval_weight) * lesson_p.get(item, 0.0) + t.retrieval_weight * sim
            for item, sim in sims.items()
        }
        ranked = sorted(combined.items(), key=lambda kv: kv[1], reverse=True)
        alternatives = tuple(Candidate(i, round(s, 4)) for i, s in ranked[:3])
        best_sim = max(sims.values(), default=0.0)

        winner = max(groups, key=lambda g: groups[g])
        if winner in META_INTENTS and groups[winner] < t.meta_below:
            winner = LESSON if groups[LESSON] >= groups[OUT_OF_SCOPE] else OUT_OF_SCOPE
        if winner == OUT_OF_SCOPE and (
            best_sim >= t.retrieval_rescue or groups[OUT_OF_SCOPE] < t.oos_above
        ):
            winner = max((g for g in groups if g != OUT_OF_SCOPE), key=lambda g: groups[g])

        if winner == ABOUT:
            topic = max(topic_p, key=lambda k: topic_p[k])
            return Parse(
                text, ABOUT, round(groups[ABOUT], 4), topic=topic, alternatives=alternatives
            )
        best_kind = max(kind_p, key=lambda k: kind_p[k]) if kind_p else None
        if (
            winner == LESSON
            and groups[OUT_OF_SCOPE] >= t.oos_margin_above
            and max(lesson_p.values(), default=0.0) < t.margin_lesson_below
            and best_sim < t.retrieval_rescue
        ):
            winner = OUT_OF_SCOPE
        if winner == LESSON and ranked:
            top_id, top = ranked[0]
            score = top
            if score < t.reject_below:
                sure = best_kind is not None and kind_p[best_kind] >= t.kind_above
                return Parse(
                    text,
                    OUT_OF_SCOPE,
                    round(1 - score, 4),
                    alternatives=alternatives,
                    kind=best_kind if sure else None,
                )
            second = ranked[1][1] if len(ranked) > 1 else 0.0
            ambiguous = second >= t.ambiguous_ratio * top and score < t.confident_above
            return Parse(
                text,
                LESSON,
                round(score, 4),
                lesson=top_id,
                alternatives=alternatives,
                ambiguous=ambiguous,
            )
        if winner == OUT_OF_SCOPE:
            return Parse(
                text,
                OUT_OF_SCOPE,
                round(groups[OUT_OF_SCOPE], 4),
                alternatives=alternatives,
                kind=best_kind,
            )
        return Parse(text, winner, round(groups[winner], 4), alternatives=alternatives)


def item_documents(knowledge: Knowledge) -> dict[str, str]:
    """What retrieval matches against: each item's title, summary, text and keywords."""
    return {
        item.id: " . ".join(
            [
                item.title,
                item.summary,
                item.text,
                " . ".join(item.keywords),
                knowledge.section_title(item.section),
            ]
        )
        for item in knowledge.items
    }


def build_nlu(settings: Settings, knowledge: Knowledge) -> NLU:
    """Load the model folder named by the settings, training it first when missing or stale."""
    return NLU.load_or_train(
        knowledge, settings.coach_nlu_data_dir, settings.model_dir, settings.coach_knowledge_dir
    )


def knowledge_examples(knowledge: Knowledge) -> list[tuple[str, str]]:
    """The guide's own words as extra examples: each title and keyword, each topic title."""
    examples = []
    for item in knowledge.items:
        examples.append((item.title, f"{LESSON}/{item.id}"))
        examples += [(keyword, f"{LESSON}/{item.id}") for keyword in item.keywords]
    examples += [(topic.title, f"{ABOUT}/{topic.id}") for topic in knowledge.topics]
    return examples


def blank_pipeline() -> Language:
    """spaCy's blank Dutch pipeline with the lookup lemmatizer (tables from spacy-lookups-data)."""
    nlp = spacy.blank("nl", config={"nlp": {"tokenizer": {"@tokenizers": _component.TOKENIZER}}})
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def train(
    knowledge: Knowledge,
    data_dir: Path,
    model_dir: Path,
    knowledge_dir: Path,
    examples: Iterable[tuple[str, str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Train the pipeline from nlu_data/ and write it atomically into model_dir; `progress`
    gets each step's line (TRAINING_STEPS)."""
    say = progress or (lambda _line: None)
    started = time.perf_counter()
    say(TRAINING_STEPS[0])
    data = load_training_data(data_dir)
    pairs = list(examples) if examples is not None else data.examples
    _check_labels(knowledge, data.labels, _referral_kinds(knowledge_dir))
    nlp = build(knowledge, pairs, data.synonyms, fitting=lambda: say(TRAINING_STEPS[1]))
    say(TRAINING_STEPS[2])
    kept = len(nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup"))  # type: ignore[attr-defined]
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".model-", dir=model_dir.parent))
    nlp.to_disk(staging / "pipeline")
    meta = {
        "fingerprint": fingerprint(data_dir, knowledge_dir, extra=FEATURE_VERSION),
        "examples": len(pairs),
        "labels": len({label for _, label in pairs}),
        "seconds": round(time.perf_counter() - started, 2),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "thresholds": asdict(Thresholds()),
        "lemma_entries_kept": kept,
    }
    (staging / "meta.json").write_text(json.dumps(meta, indent=2))
    old = model_dir.with_name(model_dir.name + f".old-{os.getpid()}")
    if model_dir.exists():
        model_dir.rename(old)
    staging.rename(model_dir)
    shutil.rmtree(old, ignore_errors=True)
    return meta


def prune_lemma_table(nlp: Language, relevant: set[str]) -> int:
    """Keep only the lemma entries that can change a feature; return how many.

    Lemmas feed the word features alone. An entry form → lemma matters only when the folded
    form or the folded lemma is a word of a trained vocabulary or a synonym (`relevant`);
    without the other entries a token keeps its own text as lemma, which then matches no
    feature either, exactly as its lemma did. So predictions stay the same, and the model no
    longer carries the whole Dutch table (212,000 entries): less memory and a faster start.
    `build` prunes before fitting, so training does not hold the whole table while the
    classifier's matrices are allocated (issue 13: training's peak memory).
    """
    import gzip

    import spacy_lookups_data
    from spacy.lookups import Lookups

    from bot.nlu.text import fold

    source = Path(spacy_lookups_data.__file__).parent / "data" / f"{nlp.lang}_lemma_lookup.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as raw:
        table = json.load(raw)
    kept = {
        form: lemma
        for form, lemma in table.items()
        if fold(form) in relevant or fold(lemma) in relevant
    }
    del table
    lookups = Lookups()
    lookups.add_table("lemma_lookup", kept)
    nlp.get_pipe("lemmatizer").lookups = lookups  # type: ignore[attr-defined]
    return len(kept)


def build(
    knowledge: Knowledge,
    pairs: Sequence[tuple[str, str]],
    synonyms: dict[str, str],
    fitting: Callable[[], None] | None = None,
) -> Language:
    """A trained pipeline in memory (used by `train` and by cross-validation)."""
    nlp = blank_pipeline()
    pairs = [*pairs, *knowledge_examples(knowledge)]
    docs = list(nlp.pipe(clean(text) for text, _ in pairs))
    items = item_documents(knowledge)
    item_docs = dict(zip(items, nlp.pipe(items.values()), strict=True))
    terms = [_component.doc_terms(doc, synonyms) for doc in docs]
    item_terms = {item: _component.doc_terms(doc, synonyms) for item, doc in item_docs.items()}
    del docs, item_docs
    # the words of the word features (their vocabularies' unigrams, tokenised as they are)
    relevant = set(synonyms)
    for lemmas, _ in [*terms, *item_terms.values()]:
        relevant.update(_WORD.findall(lemmas.lower()))
    prune_lemma_table(nlp, relevant)
    gc.collect()
    return_free_memory()  # the full lemma table's ~80 MB, before the fit needs its own
    if fitting is not None:
        fitting()
    comp = nlp.add_pipe(_component.COMPONENT)
    assert isinstance(comp, _component.IntentComponent)
    from bot.nlu.training import fit_model

    comp.model = fit_model(terms, [label for _, label in pairs], item_terms, synonyms)
    return nlp


def _check_labels(
    knowledge: Knowledge, labels: Iterable[str], kinds: Iterable[str] | None = None
) -> None:
    from bot.nlu.data import TrainingDataError

    known_kinds = set(kinds) if kinds is not None else None
    for label in labels:
        kind, _, ref = label.partition("/")
        if kind == LESSON and ref not in knowledge.items_by_id:
            raise TrainingDataError(f"intent '{label}': no item '{ref}' in knowledge/")
        if kind == ABOUT and ref not in knowledge.topics_by_id:
            raise TrainingDataError(f"intent '{label}': no topic '{ref}' in knowledge/")
        if kind == OUT_OF_SCOPE and ref and known_kinds is not None and ref not in known_kinds:
            raise TrainingDataError(
                f"intent '{label}': no kind '{ref}' in knowledge/referrals.yaml"
            )
        if not ref and kind not in (*META_INTENTS, OUT_OF_SCOPE):
            raise TrainingDataError(f"intent '{label}' is not routed by the coach")


def _referral_kinds(knowledge_dir: Path) -> frozenset[str] | None:
    """The out-of-scope kinds the referrals file names (None for a folder without one)."""
    from bot.referrals import FILE_NAME, read_kinds

    path = knowledge_dir / FILE_NAME
    return read_kinds(path) if path.exists() else None


def _read_meta(model_dir: Path) -> dict[str, object] | None:
    try:
        meta = json.loads((model_dir / "meta.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if not (model_dir / "pipeline").is_dir():
        return None
    return meta if isinstance(meta, dict) else None
