"""What the bot says about privacy, built from what is actually in force.

``/privacy`` reports whether reflections are encrypted (with the configured key or the
key file), the retention period and the access mode, and the guard's recall as measured
by ``python bench/privacy_detection.py --eval --save`` (bot/privacy/data/measured.json),
not a promise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MEASURED = Path(__file__).with_name("data") / "measured.json"


def measured(path: Path = MEASURED) -> dict[str, Any]:
    """The last saved benchmark figures on the evaluation corpus ({} when absent)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _pct(x: float) -> str:
    return f"{round(x * 100)}%"


def guard_sentence(figures: dict[str, Any]) -> str:
    """One Dutch sentence with the measured recall, or an honest 'not measured'."""
    if not figures:
        return "Ik waarschuw als ik gegevens van klanten zie; hoe goed dat lukt is niet gemeten."
    return (
        f"Ik zoek naar gegevens van klanten voordat ik iets bewaar. Op een testset van "
        f"{figures['sentences']} zinnen vond ik {_pct(figures['names'])} van de namen, "
        f"{_pct(figures['numbers'])} van de nummers (BSN, V-nummer, telefoon, IBAN, adres) "
        f"en {_pct(figures['combinations'])} van de herkenbare combinaties. Ik mis dus soms "
        "iets: schrijf zelf geen namen of nummers van klanten."
    )


def privacy_text(
    *,
    encrypted: bool,
    key_source: str,
    retention_days: int,
    access: str,
    figures: dict[str, Any] | None = None,
) -> str:
    """The /privacy message for the configuration this bot runs in."""
    if encrypted:
        stored = f"• je reflecties, versleuteld ({key_source}), met de vraag waarbij ze horen;\n"
    else:
        stored = "• je reflecties, NIET versleuteld, met de vraag waarbij ze horen;\n"
    who = (
        "Alleen mensen met een uitnodiging van hun organisatie kunnen deze coach gebruiken."
        if access == "invite"
        else "Iedereen die de bot vindt, kan hem gebruiken; ieder ziet alleen de eigen reflecties."
    )
    return (
        "Wat ik bewaar:\n"
        "• je rol, tijdzone en instellingen (zoals je dagelijkse tijd);\n"
        + stored
        + "• welke vragen en onderwerpen je kreeg, zodat ik niet herhaal.\n"
        f"{who} {guard_sentence(figures if figures is not None else measured())} "
        f"Reflecties worden na {retention_days} dagen automatisch gewist.\n"
        "Telegram-chats zijn niet end-to-end versleuteld.\n"
        "/export geeft al je gegevens, /vergeet wist alles."
    )


def privacy_text_for(services: Any) -> str:
    """The /privacy message for the running services (settings + cipher)."""
    settings = services.settings
    return privacy_text(
        encrypted=services.cipher.enabled,
        key_source="sleutel uit de instellingen"
        if settings.coach_encryption_key
        else "sleutelbestand op de server",
        retention_days=settings.coach_retention_days,
        access=settings.coach_access,
    )
