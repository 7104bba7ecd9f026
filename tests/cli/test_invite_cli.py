"""issue 13: invite create refuses a past expiry."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main


def test_past_expiry_is_refused_and_nothing_is_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    runner = CliRunner()
    past = runner.invoke(main, ["invite", "create", "--org", "X", "--expires", "2020-01-01"])
    assert past.exit_code != 0 and "in the past" in past.output
    made = runner.invoke(main, ["invite", "create", "--org", "Gemeente Y", "--uses", "1"])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["invite", "list"])
    assert "Gemeente Y" in listed.output and "X " not in listed.output  # nothing stored
