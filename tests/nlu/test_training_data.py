"""The training data and the evaluation set: consistent with the knowledge, and independent."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.nlu.data import TrainingDataError, load_training_data
from bot.nlu.engine import ABOUT, LESSON, META_INTENTS, OUT_OF_SCOPE
from bot.nlu.text import fold
from bot.referrals import read_kinds
from bot.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "nlu_data"
EVAL = PROJECT_ROOT / "tests/data/eval.jsonl"
HELD_OUT = PROJECT_ROOT / "tests/data/eval_oos_heldout.jsonl"  # issue 12: out-of-scope by kind
# issue 12 (second held-out set): lesson questions in modal/procedural wording, and every kind
HELD_OUT_I12B = PROJECT_ROOT / "tests/data/eval_heldout_i12b.jsonl"
HELD_OUT_SETS = (HELD_OUT, HELD_OUT_I12B)
GUIDE = PROJECT_ROOT.parent / "shared/handreiking/nieuw-op-de-arbeidsmarkt.md"
STOPWORDS = set(
    "de het een en van in op te is dat die voor met aan er niet zijn als om ook bij of maar "
    "door over naar tot dan zo nog al uit wat wordt worden kan kunnen moet moeten hun hen "
    "zij ze je jij u wij we ik mijn haar hij zich dit deze dus wel meer veel hoe waar wie "
    "welke wanneer was heeft hebben had geen nu hier daar iets elk elke andere".split()
)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))


def test_every_label_is_known(knowledge: Knowledge) -> None:
    data = load_training_data(DATA)
    for label in data.labels:
        kind, _, ref = label.partition("/")
        if kind == LESSON:
            assert ref in knowledge.items_by_id, label
        elif kind == ABOUT:
            assert ref in knowledge.topics_by_id, label
        elif kind == OUT_OF_SCOPE and ref:
            assert ref in read_kinds(), label  # a kind of knowledge/referrals.yaml
        else:
            assert label in (*META_INTENTS, OUT_OF_SCOPE), label


def test_coverage_per_item_and_intent(knowledge: Knowledge) -> None:
    counts = load_training_data(DATA).counts()
    for item in knowledge.items:
        assert counts[f"{LESSON}/{item.id}"] >= 15, item.id
    for topic in knowledge.topics:
        assert counts[f"{ABOUT}/{topic.id}"] >= 10, topic.id
    for intent in META_INTENTS:
        assert counts[intent] >= 12, intent
    oos = {k: n for k, n in counts.items() if k.partition("/")[0] == OUT_OF_SCOPE}
    assert sum(oos.values()) >= 100
    for kind in read_kinds():  # issue 12: every kind of referral is learnt from examples
        assert counts[f"{OUT_OF_SCOPE}/{kind}"] >= 15, kind


def test_no_example_appears_twice() -> None:
    data = load_training_data(DATA)
    seen = Counter(_norm(text) for text, _ in data.examples)
    assert [t for t, n in seen.items() if n > 1] == []


def test_malformed_data_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: 3\n')
    with pytest.raises(TrainingDataError, match=r"bad\.yml"):
        load_training_data(tmp_path)


def _eval_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in (EVAL, *HELD_OUT_SETS)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_eval_set_is_large_and_covers_everything(knowledge: Knowledge) -> None:
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 200
    titles = Counter(t for r in rows if r["kind"] == "lesson" for t in r["expect"][:1])
    for item in knowledge.items:
        assert titles[item.title] >= 4, item.title
    intents = Counter(r["intent"] for r in rows if r["kind"] == "intent")
    for intent in META_INTENTS:
        assert intents[intent] >= 1, intent
    assert sum(r["kind"] == "out_of_scope" for r in rows) >= 25


@pytest.mark.parametrize("path", HELD_OUT_SETS, ids=lambda p: p.name)
def test_held_out_set_has_every_kind_of_out_of_scope_question(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = Counter(r["oos_kind"] for r in rows if r["kind"] == "out_of_scope")
    assert sum(kinds.values()) >= 60
    assert set(kinds) <= read_kinds()
    assert [k for k in read_kinds() if kinds[k] < 3 and k != "systems"] == []
    others = [EVAL, *(p for p in HELD_OUT_SETS if p != path)]
    other_texts = {
        _norm(json.loads(line)["text"])
        for other in others
        for line in other.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    assert [r["text"] for r in rows if _norm(r["text"]) in other_texts] == []
    seen = Counter(_norm(r["text"]) for r in rows)
    assert [t for t, n in seen.items() if n > 1] == []


def test_second_held_out_set_has_lesson_questions_in_modal_wording(knowledge: Knowledge) -> None:
    rows = [json.loads(line) for line in HELD_OUT_I12B.read_text(encoding="utf-8").splitlines()]
    lessons = [r for r in rows if r["kind"] == "lesson"]
    assert len(lessons) >= 60
    titles = {item.title for item in knowledge.items}
    assert [r["text"] for r in lessons if not set(r["expect"]) <= titles] == []
    modal = re.compile(r"\b(mag|moet|moeten|hoe lang|hoe vaak|wanneer|verplicht)\b")
    assert sum(bool(modal.search(fold(r["text"]))) for r in lessons) >= 30


def test_out_of_scope_kind_must_be_a_word(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: out_of_scope\n  metadata: {kind: "Geld!"}\n'
        "  examples: |\n    - hoeveel bijstand\n"
    )
    with pytest.raises(TrainingDataError, match=r"bad\.yml.*kind"):
        load_training_data(tmp_path)
    (tmp_path / "bad.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  metadata: {kind: income}\n'
        "  examples: |\n    - hoi\n"
    )
    with pytest.raises(TrainingDataError, match="only out_of_scope"):
        load_training_data(tmp_path)


def test_out_of_scope_kind_becomes_the_label(tmp_path: Path) -> None:
    (tmp_path / "ok.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: out_of_scope\n  metadata: {kind: income}\n'
        "  examples: |\n    - hoeveel bijstand\n- intent: out_of_scope\n"
        "  examples: |\n    - wat een weer\n"
    )
    assert load_training_data(tmp_path).examples == [
        ("hoeveel bijstand", "out_of_scope/income"),
        ("wat een weer", "out_of_scope"),
    ]


def test_eval_set_shares_no_sentence_with_training_data() -> None:
    training = {_norm(text) for text, _ in load_training_data(DATA).examples}
    shared = [t for t in _eval_texts() if _norm(t) in training]
    assert shared == []


@pytest.mark.skipif(not GUIDE.exists(), reason="the guide is not beside the checkout")
def test_eval_set_copies_no_run_of_three_content_words_from_the_guide() -> None:
    def runs(text: str) -> set[tuple[str, ...]]:
        words = [w for w in _norm(text).split() if w not in STOPWORDS]
        return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}

    guide = runs(GUIDE.read_text(encoding="utf-8").replace("**", ""))
    copied = [t for t in _eval_texts() if runs(t) & guide]
    assert copied == []
