"""issue 15: rasa-sdk meets no undeclared slot (it logged one line per miss at INFO)."""

from __future__ import annotations

import logging

import pytest

from bot.core.coach import Coach
from tests.helpers import onboard, say, user


async def test_a_conversation_reads_no_undeclared_slot(
    coach: Coach, caplog: pytest.LogCaptureFixture
) -> None:
    anna = user()
    caplog.set_level(logging.INFO, logger="rasa_sdk")
    await onboard(coach, anna)
    await say(
        coach,
        anna,
        "hoe bespreek ik discriminatie met een klant?",
        "/reflectie",
        "ik vroeg eerst hoe het gesprek voor hem ging",
        "stop",
        "/teamoverleg",
        "maak een agenda voor een uur",
        "/mijnreflecties",
        "/export",
        "/privacy",
    )
    misses = [r.getMessage() for r in caplog.records if "non existent slot" in r.getMessage()]
    assert misses == []
