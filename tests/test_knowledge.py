"""The knowledge files hold the whole guide, faithfully, and the loader rejects broken content."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge import DEFAULT_DIR, Knowledge, KnowledgeError, load_knowledge

_GUIDE_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared/handreiking/nieuw-op-de-arbeidsmarkt.md",
    *([Path(os.environ["COACH_GUIDE_PATH"])] if os.environ.get("COACH_GUIDE_PATH") else []),
]
GUIDE_PATH = next((p for p in _GUIDE_CANDIDATES if p.is_file()), None)
needs_guide = pytest.mark.skipif(
    GUIDE_PATH is None,
    reason="guide markdown not found (looked at ../shared/handreiking/nieuw-op-de-arbeidsmarkt.md "
    "and $COACH_GUIDE_PATH); cannot compare the knowledge files with the guide",
)
ROLE_LABELS = {
    "UITVOERENDE PROFESSIONALS": "professional",
    "LEIDINGGEVENDEN - BELEIDSMAKERS": "manager",
}


@pytest.fixture(scope="module")
def kn() -> Knowledge:
    return load_knowledge(DEFAULT_DIR)


@pytest.fixture(scope="module")
def guide() -> str:
    assert GUIDE_PATH is not None
    return GUIDE_PATH.read_text(encoding="utf-8")


def _plain(text: str) -> str:
    """The guide without markdown bold markers and [link](#) syntax."""
    return re.sub(r"\[([^\]]+)\]\(#\)", r"\1", text.replace("**", ""))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _guide_cards(guide: str) -> list[tuple[list[str], str, list[str]]]:
    """(bullets, role label, other lines) per GESPREKSKAART, in guide order.

    In this extraction the role label stands after the card's bullets.
    """
    cards: list[tuple[list[str], str, list[str]]] = []
    bullets: list[str] | None = None
    other: list[str] = []
    for line in guide.splitlines():
        s = line.strip()
        if s == "GESPREKSKAART":
            bullets, other = [], []
        elif bullets is not None and s in ROLE_LABELS:
            cards.append((bullets, ROLE_LABELS[s], other))
            bullets = None
        elif bullets is not None and s.startswith("- "):
            bullets.append(s[2:])
        elif bullets is not None and s:
            other.append(s)
    return cards


def test_load_succeeds(kn: Knowledge) -> None:
    assert kn.items and kn.cards and kn.topics and kn.sections


def test_counts(kn: Knowledge) -> None:
    kinds = [item.kind for item in kn.items]
    assert len(kn.items) == 34
    assert kinds.count("lesson") == 30
    assert kinds.count("logica") == 4
    assert len(kn.cards) == 9
    assert len(kn.questions) == 35
    assert {t.id for t in kn.topics} == {
        "waarom", "specifieke_aanpak", "gebruik", "stappen",
        "gezondheid_dimensies", "logicas_intro", "colofon",
    }  # fmt: skip


def test_every_item_is_used_by_a_section_and_questions_are_all_reachable(kn: Knowledge) -> None:
    used = {qid for item in kn.items for qid in item.questions}
    assert used == set(kn.questions_by_id), "every gesprekskaart question fits some item"
    assert all(item.section != "stappen" for item in kn.items)
    assert all(8 <= len(item.keywords) <= 20 for item in kn.items)
    assert all(1 <= len(item.questions) <= 4 for item in kn.items)


@needs_guide
def test_item_titles_are_bold_in_the_guide_in_order(kn: Knowledge, guide: str) -> None:
    positions = []
    for item in kn.items:
        marker = f"**{item.title}:**"
        assert marker in guide, item.id
        positions.append(guide.index(marker))
    assert positions == sorted(positions), "items must be in guide order"
    assert len(re.findall(r"^- \*\*[^*]+:\*\*", guide, flags=re.M)) == len(kn.items)


@needs_guide
def test_item_texts_are_verbatim(kn: Knowledge, guide: str) -> None:
    plain = _plain(guide)
    for item in kn.items:
        assert f"- {item.title}: {item.text}\n" in plain, item.id


@needs_guide
def test_question_texts_are_verbatim_bullets(kn: Knowledge, guide: str) -> None:
    bullets = {line.strip()[2:] for line in guide.splitlines() if line.strip().startswith("- ")}
    for q in kn.questions:
        assert q.text in bullets, q.id


@needs_guide
def test_cards_match_the_guide_and_its_role_labels(kn: Knowledge, guide: str) -> None:
    parsed = _guide_cards(guide)
    assert len(parsed) == len(kn.cards)
    for card, (bullets, label, other) in zip(kn.cards, parsed, strict=True):
        assert [q.text for q in card.questions] == bullets, card.id
        assert card.audience == label, card.id
        addressed = (
            "professional" if any("aan uitvoerende professionals" in o for o in other) else label
        )
        assert card.addressed_to == addressed, card.id
        assert [q.id for q in card.questions] == [
            f"{card.id}-{n}" for n in range(1, len(card.questions) + 1)
        ]
    per_role = {"professional": 0, "manager": 0}
    for bullets, label, _ in parsed:
        per_role[label] += len(bullets)
    assert per_role["professional"] == sum(1 for q in kn.questions if q.audience == "professional")
    assert per_role["manager"] == sum(1 for q in kn.questions if q.audience == "manager")


@needs_guide
def test_topic_texts_come_from_the_guide(kn: Knowledge, guide: str) -> None:
    plain = _plain(guide)
    words = set(re.findall(r"\w+", plain.lower()))
    squashed = _squash(plain)
    for topic in kn.topics:
        missing = set(re.findall(r"\w+", topic.text.lower())) - words
        assert not missing, (topic.id, missing)
        for paragraph in topic.text.split("\n\n"):
            assert _squash(paragraph) in squashed, (topic.id, paragraph[:60])
        assert "**" not in topic.text and "](#)" not in topic.text, topic.id


def test_specific_topic_content(kn: Knowledge) -> None:
    dims = kn.topics_by_id["gezondheid_dimensies"].text
    for dim in (
        "lichaamsfuncties", "mentaal welbevinden", "zingeving", "kwaliteit van leven",
        "sociaal maatschappelijke participatie", "dagelijks functioneren",
    ):  # fmt: skip
        assert dim in dims
    colofon = kn.topics_by_id["colofon"].text
    for part in (
        "januari 2021", "Adriaan Oostveen (Regioplan)", "Inge Razenberg (Verwey-Jonker Instituut)",
        "Jeanine Klaver (Regioplan)", "Suggestie & illusie", "subsidie van ZonMw",
        "www.zonmw.nl/vakkundig",
    ):  # fmt: skip
        assert part in colofon


@needs_guide
def test_section_intros_are_verbatim(kn: Knowledge, guide: str) -> None:
    plain = _plain(guide)
    for section in kn.sections:
        if section.intro:
            assert section.intro in plain, section.id
    assert kn.sections_by_id["gezondheid"].intro
    assert kn.sections_by_id["logicas"].intro


def test_every_item_offers_a_question_per_role(kn: Knowledge) -> None:
    for item in kn.items:
        assert kn.questions_for_item(item.id, "professional"), item.id
    # Only where the gesprekskaarten have nothing for managers may an item lack a manager question.
    without_manager = {i.id for i in kn.items if not kn.questions_for_item(i.id, "manager")}
    assert without_manager <= {"discriminatie", "ontmoeting_werkgevers"}, without_manager


def test_summaries_are_short_and_plain(kn: Knowledge) -> None:
    for item in kn.items:
        assert 20 <= len(item.summary) <= 300, item.id
        assert "**" not in item.summary and "**" not in item.text, item.id
    for topic in kn.topics:
        assert len(topic.summary) <= 400, topic.id


# --- broken content is rejected with file and entry named ---------------------------------


def _broken_copy(
    tmp_path: Path,
    filename: str,
    key: str,
    entry_id: str,
    change: Callable[[dict[str, Any]], object],
) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    path = target / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data[key] if e["id"] == entry_id)
    change(entry)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def test_short_summary_is_rejected(tmp_path: Path) -> None:
    directory = _broken_copy(
        tmp_path, "items.yaml", "items", "vrijwilligerswerk", lambda e: e.update(summary="Kort.")
    )
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    assert "items.yaml" in str(exc.value) and "vrijwilligerswerk" in str(exc.value)
    assert "summary" in str(exc.value)


def test_unknown_question_id_is_rejected(tmp_path: Path) -> None:
    directory = _broken_copy(
        tmp_path,
        "items.yaml",
        "items",
        "nazorg",
        lambda e: e["questions"].append("stappen_manager-99"),
    )
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    message = str(exc.value)
    assert "items.yaml" in message and "nazorg" in message and "stappen_manager-99" in message


def test_bad_card_audience_is_rejected(tmp_path: Path) -> None:
    directory = _broken_copy(
        tmp_path, "questions.yaml", "cards", "logicas_manager", lambda e: e.update(audience="team")
    )
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    assert "questions.yaml" in str(exc.value) and "logicas_manager" in str(exc.value)


def test_invalid_yaml_is_rejected(tmp_path: Path) -> None:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    (target / "framing.yaml").write_text("topics: [\n  - id: waarom\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"framing\.yaml"):
        load_knowledge(target)


# --- issue 12: the team's relations between lessons ---------------------------------------------


def test_relations_are_the_teams_and_name_known_lessons(kn: Knowledge) -> None:
    raw = yaml.safe_load((DEFAULT_DIR / "relations.yaml").read_text(encoding="utf-8"))
    assert raw["curated_by"] == "team"
    assert len(kn.relations) >= 15
    for relation in kn.relations:
        assert relation.lesson in kn.items_by_id
        assert [i.id for i in kn.related(relation.lesson)] == list(relation.related)
    assert kn.related("no_such_lesson") == ()


def _relations_copy(tmp_path: Path, change: Callable[[dict[str, Any]], object]) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    path = target / "relations.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("curated_by"), "curated_by: team"),
        (lambda d: d["relations"][3]["related"].append("geen_les"), "geen_les"),
        (lambda d: d["relations"][0]["related"].__setitem__(0, "discriminatie"), "itself"),
        (lambda d: d["relations"].append(dict(d["relations"][0])), "duplicate"),
        (lambda d: d["relations"][0].update(related=[]), "related"),
    ],
)
def test_bad_relations_are_rejected_by_name(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], problem: str
) -> None:
    directory = _relations_copy(tmp_path, change)
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(directory)
    assert "relations.yaml" in str(exc.value) and problem in str(exc.value)
