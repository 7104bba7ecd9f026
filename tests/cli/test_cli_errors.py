"""issue 13: every CLI error is one line, no traceback (broken database, bad key, no folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = [
    ["ask", "wat is een intake?"],
    ["knowledge"],
    ["train"],
    ["db", "upgrade"],
    ["invite", "create", "--org", "Gemeente Test"],
    ["invite", "list"],
    ["invite", "revoke", "ABC"],
    ["keys", "rotate"],
    ["maintenance", "purge"],
    ["prompts", "dispatch", "--once"],
    ["shell"],
]

BROKEN = {
    "database": {"COACH_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    "key": {"COACH_ENCRYPTION_KEY": "not-a-fernet-key"},
    "folder": {"COACH_KNOWLEDGE_DIR": "/nonexistent/knowledge"},
}


def _needs(command: list[str], broken: str) -> bool:
    """Commands that do not touch what is broken succeed, which is right; skip those pairs."""
    if broken == "database":
        return command[0] not in ("ask", "knowledge", "train")
    if broken == "folder":
        return command[0] in ("ask", "knowledge", "train", "shell")
    return True  # a bad key is refused by the settings, for every command


@pytest.mark.parametrize("broken", sorted(BROKEN))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_one_line_no_traceback(tmp_path: Path, command: list[str], broken: str) -> None:
    if not _needs(command, broken):
        pytest.skip("this command does not use what is broken")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "TELEGRAM_"))}
    env.update(COACH_DATA_DIR=str(tmp_path), TELEGRAM_BOT_TOKEN="123:abc", **BROKEN[broken])
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr
    # the JSON log may say what was done first (e.g. a key file made); the error is one line
    lines = [
        line for line in done.stderr.splitlines() if line.strip() and not line.startswith('{"time"')
    ]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ")
