"""The client-data guard: each kind, exact redaction, robustness, speed and corpus quality."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FrozenClock
from bot.privacy import ClientDataGuard, Finding, Scan
from bot.privacy.guard import KINDS, PLACEHOLDER, _Normalised
from bot.privacy.redaction import PART_KINDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def guard() -> ClientDataGuard:
    g = ClientDataGuard(clock=FrozenClock(datetime(2026, 6, 1, tzinfo=UTC)))
    g.scan("Mijn klant Ahmed.")  # loads deduce once for the module
    return g


def found(guard: ClientDataGuard, text: str) -> list[tuple[str, str]]:
    scan = guard.scan(text)
    return [(f.kind, text[f.start : f.end]) for f in scan.findings]


def kinds_of(guard: ClientDataGuard, text: str) -> set[str]:
    return {f.kind for f in guard.scan(text).findings}


# ----------------------------------------------------------------------------- BSN


@pytest.mark.parametrize("raw", ["628194821", "252.760.189", "507 529 170", "1215.47.280"])
def test_bsn_passing_the_11_proef_is_found(guard, raw):
    text = f"Zijn nummer {raw} staat in het dossier."
    assert found(guard, text) == [("BSN", raw)]


@pytest.mark.parametrize("raw", ["365461073", "587.355.706", "123456789"])
def test_nine_digits_failing_the_11_proef_are_not_a_bsn(guard, raw):
    assert found(guard, f"Het zaaknummer {raw} hoort bij de aanvraag.") == []


@pytest.mark.parametrize(
    "text,raw",
    [
        ("bsn: 365461073", "365461073"),
        ("Zijn BSN is 123456789, zegt hij.", "123456789"),
        ("Burgerservicenummer 12345678 (zonder nul).", "12345678"),
    ],
)
def test_a_number_called_bsn_is_a_bsn_even_if_invalid(guard, text, raw):
    assert found(guard, text) == [("BSN", raw)]


# ----------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    "raw",
    [
        "06-12345678",
        "0612345678",
        "06 1234 5678",
        "+31 6 1234 5678",
        "+31 (0)6 12345678",
        "0031 6 12345678",
        "020-1234567",
        "(020) 123 4567",
        "030 234 5678",
        "+31201234567",
    ],
)
def test_dutch_phone_numbers(guard, raw):
    assert found(guard, f"Bel hem op {raw} morgen.") == [("TELEFOON", raw)]


@pytest.mark.parametrize(
    "text",
    [
        "Bel de servicelijn op 0800-1234567.",
        "Het UWV: 0900-9294.",
        "Afspraak 01-02-2023 12:00 bij het Werkplein.",
        "Het kost 1.234.567,89 euro.",
        "Er staan 06 mensen op de lijst.",
    ],
)
def test_no_phone_in_service_numbers_dates_and_amounts(guard, text):
    assert "TELEFOON" not in kinds_of(guard, text)


# ----------------------------------------------------------------------------- e-mail, IBAN


def test_email(guard):
    text = "Mail naar a.hussein+werk@outlook.com of bel."
    assert found(guard, text) == [("EMAIL", "a.hussein+werk@outlook.com")]


@pytest.mark.parametrize(
    "raw",
    [
        "NL50ABNA2042935575",
        "NL87 INGB 9183 6236 10",
        "nl28snsb1316772326",
        "DE89 3704 0044 0532 0130 00",
    ],
)
def test_iban_with_and_without_spaces(guard, raw):
    assert found(guard, f"Rekening {raw} klopt.") == [("IBAN", raw)]


def test_iban_followed_by_capitals_ends_at_the_iban(guard):
    text = "Op NL87 INGB 9183 6236 10 IND betaalt."
    assert found(guard, text) == [("IBAN", "NL87 INGB 9183 6236 10")]


def test_iban_with_wrong_check_digits_is_not_flagged(guard):
    assert "IBAN" not in kinds_of(guard, "Rekening NL51ABNA2042935575 klopt niet.")


# ----------------------------------------------------------------------------- address


@pytest.mark.parametrize(
    "text,raw",
    [
        ("Het adres is 3511 AB 45, tweede verdieping.", "3511 AB 45"),
        ("Postcode 1234AB nr. 5 klopt.", "1234AB nr. 5"),
        ("Hij woont op Kerkstraat 12, 1234AB Utrecht.", "Kerkstraat 12, 1234AB Utrecht"),
        ("Ze verhuist naar de Molenweg 7 in Zwolle.", "Molenweg 7"),
        ("Huisbezoek aan de Hoofdstraat 104-2.", "Hoofdstraat 104-2"),
    ],
)
def test_addresses(guard, text, raw):
    assert found(guard, text) == [("POSTCODE_HUISNUMMER", raw)]


def test_postcode_without_house_number_and_years_are_not_addresses(guard):
    assert kinds_of(guard, "Het gebied 3511 AB is groot. In 2021 EN daarna.") == set()


# ----------------------------------------------------------------------------- date of birth


@pytest.mark.parametrize(
    "text,raw",
    [
        ("Hij is geboren op 12-03-1985 in Aleppo.", "12-03-1985"),
        ("Geb. 04/11/1992, volgens de vergunning.", "04/11/1992"),
        ("Geboortedatum: 1 januari 1990.", "1 januari 1990"),
        ("geb.datum 02.02.2001 opnieuw ingevuld.", "02.02.2001"),
        ("Ze is geboren op 5-9-97 in Asmara.", "5-9-97"),
        ("Hij is jarig op 14 juli.", "14 juli"),
        ("Op de kaart staat 17-08-1969.", "17-08-1969"),  # old full date, no birth word
    ],
)
def test_dates_of_birth(guard, text, raw):
    assert ("GEBOORTEDATUM", raw) in found(guard, text)


@pytest.mark.parametrize(
    "text",
    [
        "We hebben op 12 maart een afspraak.",
        "Op 3 september 2010 kwam hij naar Nederland.",
        "De volgende afspraak is op 14-11-2026 om 10:00 uur.",
        "Kun je de versie van 12-10-2025 sturen?",
        "Hij is geboren in Syrië. Op 12 maart hebben we een afspraak.",
    ],
)
def test_meeting_and_arrival_dates_are_not_dates_of_birth(guard, text):
    assert "GEBOORTEDATUM" not in kinds_of(guard, text)


def test_the_age_threshold_follows_the_clock():
    text = "Op het formulier staat 01-05-2011."
    in_2026 = ClientDataGuard(names=False, clock=FrozenClock(datetime(2026, 1, 1, tzinfo=UTC)))
    in_2020 = ClientDataGuard(names=False, clock=FrozenClock(datetime(2020, 1, 1, tzinfo=UTC)))
    assert kinds_of(in_2026, text) == {"GEBOORTEDATUM"}
    assert kinds_of(in_2020, text) == set()


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text,raw",
    [
        ("Mijn klant Ahmed kwam vandaag niet.", "Ahmed"),
        ("Mevrouw Haile vertelde over haar werk.", "Haile"),
        ("Mohammed zei dat hij wil werken.", "Mohammed"),
        ("Vandaag gesprek met dhr. Tesfay over taalles.", "Tesfay"),
        ("Yonas was moe na de nachtdienst.", "Yonas"),
        ("Meneer Al-Hassan voelde zich niet gehoord.", "Al-Hassan"),
        ("Klant Zahra Ahmadi rondde haar inburgering af.", "Zahra Ahmadi"),
        ("Ik sprak met Jan de Vries van de werkgever.", "Jan de Vries"),
        ("Mw. Gebreyesus wil parttime werken.", "Gebreyesus"),
        ("Oksana werkt bij een distributiecentrum.", "Oksana"),
    ],
)
def test_names(guard, text, raw):
    assert found(guard, text) == [("NAAM", raw)]


@pytest.mark.parametrize(
    "text",
    [
        "Het COA, het UWV, de GGD, de IND en DUO waren er.",
        "De Wmo-consulent en ZonMw sluiten aan.",
        "Hij spreekt Arabisch en een beetje Nederlands.",
        "Ze komt uit Syrië en woonde in Aleppo.",
        "Mijn klant vertelde dat hij slecht slaapt.",
        "Meneer zei dat hij het contract niet begreep.",
        "Mijn klant Nederlands leren is moeilijk.",
        "Vandaag was een zware dag. Werkgevers willen een diploma.",
        "Mark de datum in je agenda.",
    ],
)
def test_no_names_in_organisations_languages_countries_and_dutch_words(guard, text):
    assert "NAAM" not in kinds_of(guard, text)


def test_a_name_found_once_is_redacted_everywhere(guard):
    text = "Mevrouw Gebreyesus belde. Later zei gebreyesus dat ze komt."
    scan = guard.scan(text)
    assert [text[f.start : f.end] for f in scan.findings] == ["Gebreyesus", "gebreyesus"]


def test_names_can_be_switched_off():
    g = ClientDataGuard(names=False)
    assert kinds_of(g, "Mijn klant Ahmed, bsn 628194821.") == {"BSN"}


# ----------------------------------------------------------------------------- the Scan


def test_redaction_placeholders_and_labels(guard):
    text = (
        "Klant Yonas (BSN 611148936, geb. 14-02-1987) woont op 1011 AB 7, bel 06-55512345, "
        "mail yonas.t@gmail.com, rekening NL76ASNB5443732332."
    )
    scan = guard.scan(text)
    assert scan.redacted(text) == (
        "Klant [klant] (BSN [BSN], geb. [GEBOORTEDATUM]) woont op [ADRES], bel [TELEFOON], "
        "mail [E-MAIL], rekening [IBAN]."
    )
    assert scan.kinds() == [
        "een BSN",
        "een telefoonnummer",
        "een e-mailadres",
        "een rekeningnummer (IBAN)",
        "een adres",
        "een geboortedatum",
        "een naam",
    ]
    assert set(PLACEHOLDER) == (set(KINDS) - {"COMBINATIE"}) | set(PART_KINDS)


def test_redaction_leaves_no_raw_value(guard):
    raws = [
        "Haile",
        "628194821",
        "06-12345678",
        "h.haile@gmail.com",
        "NL50ABNA2042935575",
        "Kerkstraat 12",
        "12-03-1985",
    ]
    text = (
        "Mevrouw Haile heeft BSN 628194821 en nummer 06-12345678, mail h.haile@gmail.com, "
        "IBAN NL50ABNA2042935575, woont op Kerkstraat 12, geboren 12-03-1985."
    )
    redacted = guard.scan(text).redacted(text)
    for raw in raws:
        assert raw not in redacted
    assert re.search(r"\d{4}", redacted) is None


def test_findings_and_scans_never_show_the_value(guard):
    text = "Mevrouw Haile, bsn 628194821."
    scan = guard.scan(text)
    assert isinstance(scan, Scan) and all(isinstance(f, Finding) for f in scan.findings)
    for shown in (repr(scan), str(scan), *map(repr, scan.findings)):
        assert "Haile" not in shown and "628194821" not in shown


def test_redacting_another_text_is_refused(guard):
    scan = guard.scan("Mevrouw Haile belde.")
    with pytest.raises(ValueError):
        scan.redacted("Iets anders.")


def test_clean_text_gives_an_empty_falsy_scan(guard):
    scan = guard.scan("Vandaag was een goed gesprek over werk en taal.")
    assert not scan and scan.kinds() == []
    assert guard.scan("").findings == ()


# ----------------------------------------------------------------------------- normalising


def test_positions_map_back_through_zero_width_and_bidi_characters(guard):
    text = (
        "Mijn klant Ah\u200bmed belde vanaf 06\u200d-1234\u2066\u20695678, "
        "bsn \u202a628194821\u202c."
    )
    scan = guard.scan(text)
    got = [(f.kind, text[f.start : f.end]) for f in scan.findings]
    assert got == [
        ("NAAM", "Ah\u200bmed"),
        ("TELEFOON", "06\u200d-1234\u2066\u20695678"),
        ("BSN", "628194821"),
    ]
    assert (
        scan.redacted(text) == "Mijn klant [klant] belde vanaf [TELEFOON], bsn \u202a[BSN]\u202c."
    )


def test_nfkc_fullwidth_digits_and_combining_accents(guard):
    fullwidth = "\uff10\uff16\uff0d\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"  # 06-12345678
    text = f"Nummer {fullwidth} in het cafe\u0301."
    scan = guard.scan(text)
    assert [f.kind for f in scan.findings] == ["TELEFOON"]
    assert scan.redacted(text) == "Nummer [TELEFOON] in het cafe\u0301."
    text2 = "Mevrouw Ay\u015fe en mevrouw Ays\u0327e kwamen."  # composed and decomposed ş
    scan2 = guard.scan(text2)
    assert scan2.redacted(text2) == "Mevrouw [klant] en mevrouw [klant] kwamen."


# ----------------------------------------------------------------------------- robustness

_PII_PIECES = [
    "Ahmed",
    "mevrouw Haile",
    "628194821",
    "bsn 123456789",
    "06-12345678",
    "+31 6 1234 5678",
    "a@b.nl",
    "NL50ABNA2042935575",
    "1234 AB 12",
    "Kerkstraat 12",
    "geboren 12-03-1985",
    "\u200b",
    "\u2066",
    "\u0301",
    "\uff10",
    "COA",
    "Nederlands",
    " ",
    ". ",
    "\n",
    "-",
    "ﬁ",
]
_text_with_pieces = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(_PII_PIECES)), max_size=25
).map("".join)


def _whole_word_occurrences(haystack: str, needle: str, ignore_case: bool) -> list[int]:
    """Starts of ``needle`` not glued to a letter or digit on either side."""
    pattern = r"(?<![^\W_])" + re.escape(needle) + r"(?![^\W_])"
    flags = re.IGNORECASE if ignore_case else 0
    return [m.start() for m in re.finditer(pattern, haystack, flags)]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.text(), _text_with_pieces))
def test_any_text_scans_without_error_and_redaction_hides_what_was_found(guard, text):
    scan = guard.scan(text)
    last = 0
    for f in scan.findings:
        assert f.kind in KINDS or f.kind in PART_KINDS
        assert last <= f.start < f.end <= len(text)
        last = f.end
    redacted = scan.redacted(text)
    # Outside the findings the text is untouched.
    pieces, pos = [], 0
    for f in scan.findings:
        pieces += [text[pos : f.start], PLACEHOLDER[f.kind]]
        pos = f.end
    assert redacted == "".join(pieces) + text[pos:]
    # Every whole-word occurrence of a found value, as the guard sees the text (NFKC, no
    # format characters), lies inside a finding: no found value survives redaction.
    # (It may survive inside a longer word: "Ali" in "Alibaba".)
    norm = _Normalised(text)
    covered = [(f.start, f.end) for f in scan.findings]
    for f in scan.findings:
        raw = text[f.start : f.end]
        value = _Normalised(raw).text
        if not value.strip():
            continue
        for pos in _whole_word_occurrences(norm.text, value, ignore_case=f.kind == "NAAM"):
            start, end = norm.span(pos, pos + len(value))
            assert any(s <= start and end <= e for s, e in covered), (f.kind, start, end)


def test_non_str_and_surrogates_do_not_raise(guard):
    assert guard.scan(None).findings == ()  # type: ignore[arg-type]
    guard.scan("\ud800 Ahmed \udfff 628194821")


def test_one_hundred_thousand_characters_are_scanned_whole(guard):
    """A long text is scanned to its end (its speed is bench/privacy_detection.py's job:
    speed targets are checked by benchmarks, not by timed unit tests)."""
    corpus = (ROOT / "tests" / "data" / "privacy_corpus.jsonl").read_text(encoding="utf-8")
    block = " ".join(re.findall(r'"text": "((?:[^"\\]|\\.)*)"', corpus))
    text = (block * (100_000 // len(block) + 1))[:100_000]
    scan = guard.scan(text)
    assert len(scan.findings) > 100
    assert max(f.end for f in scan.findings) > 90_000


# ----------------------------------------------------------------------------- corpus


def _bench():
    spec = importlib.util.spec_from_file_location(
        "privacy_detection", ROOT / "bench" / "privacy_detection.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_corpus_recall_and_false_alarm_rate(guard):
    bench = _bench()
    rows = bench.load_corpus()
    assert len(rows) >= 120
    assert sum(1 for r in rows if not r["expect"]) >= 40
    assert all(set(r["expect"]) <= set(KINDS) for r in rows)
    ev = bench.evaluate(guard, rows)
    assert ev.recall >= 0.90, f"recall {ev.recall:.3f}"
    assert ev.false_alarm_rate <= 0.10, f"false-alarm rate {ev.false_alarm_rate:.3f}"
    for kind, stats in ev.per_kind.items():
        if kind not in ("VNUMMER", "COMBINATIE"):  # added by issue 14; in the eval corpus
            assert stats.tp + stats.fn > 0, f"no {kind} in the corpus"


def test_eval_corpus_is_big_enough_and_the_guard_meets_its_gates(guard):
    """The issue-14 evaluation corpus (never tuned on): its make-up, and regression gates
    a little below the measured figures (python bench/privacy_detection.py --eval)."""
    bench = _bench()
    rows = bench.load_corpus(bench.EVAL_CORPUS)
    groups = {g: [r for r in rows if r["group"] == g] for g in {r["group"] for r in rows}}
    assert len(rows) >= 400
    assert len(groups["name"]) >= 150 and len(groups["vnummer"]) >= 30
    assert len(groups["combination"]) >= 30 and len(groups["clean"]) >= 120
    ev = bench.evaluate(guard, rows)
    assert ev.per_kind["NAAM"].recall >= 0.95
    assert ev.per_kind["VNUMMER"].recall >= 0.99
    assert ev.per_kind["COMBINATIE"].recall >= 0.95
    assert ev.false_alarm_rate <= 0.03
