"""The command line end to end: ask, knowledge, shell as a subprocess, the action server."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
from click.testing import CliRunner

from bot.cli import main as cli
from bot.settings import PROJECT_ROOT
from tests.infra import free_port, wait_healthy


def _env(tmp_path: Path, model_dir: Path) -> dict[str, str]:
    return {**os.environ, "COACH_DATA_DIR": str(tmp_path), "COACH_MODEL_DIR": str(model_dir)}


def test_ask_json_contract(tmp_path: Path, model_dir: Path, nlu: object) -> None:
    result = CliRunner().invoke(
        cli, ["ask", "--json", "hoe bespreek ik discriminatie?"], env=_env(tmp_path, model_dir)
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) >= {"text", "intent", "confidence", "lesson", "alternatives", "reply"}
    assert answer["intent"] == "ask_lesson"
    assert answer["lesson"]["title"] == "Maak discriminatie bespreekbaar"
    assert set(answer["lesson"]) >= {"id", "title", "section"}
    assert all(set(a) >= {"id", "title", "score"} for a in answer["alternatives"])


def test_ask_stdin_one_line_per_answer(tmp_path: Path, model_dir: Path, nlu: object) -> None:
    lines = ["hoi", "wat is het weer morgen", "", "😀", "klant heeft gezondheidsklachten"]
    result = CliRunner().invoke(
        cli, ["ask", "--json", "-"], input="\n".join(lines) + "\n", env=_env(tmp_path, model_dir)
    )
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [a["text"] for a in answers] == lines
    assert answers[1]["intent"] == "out_of_scope" and answers[1]["lesson"] is None


def test_knowledge_json_contract(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["knowledge", "--json"], env={"COACH_DATA_DIR": str(tmp_path)})
    data = json.loads(result.output)
    assert len(data["items"]) == 34 and len(data["questions"]) == 35
    assert {q["audience"] for q in data["questions"]} == {"professional", "manager"}
    assert all(set(i) >= {"id", "title", "section", "summary"} for i in data["items"])


def test_missing_token_is_a_clear_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["COACH_DATA_DIR"] = str(tmp_path)
    result = CliRunner().invoke(cli, ["telegram"], env={**env, "TELEGRAM_BOT_TOKEN": ""})
    assert result.exit_code != 0
    assert "TELEGRAM_BOT_TOKEN" in result.output


def test_shell_as_a_subprocess(tmp_path: Path, model_dir: Path, nlu: object) -> None:
    turns = [
        "1",
        "2",
        "hoe bespreek ik discriminatie?",
        "ik vraag wat er precies gebeurde",
        "ja",  # issue 12: keep it, once shown
        "sla over",
        "/mijnreflecties",
        "/quit",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell", "--user", "tester"],
        input="\n".join(turns),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=_env(tmp_path, model_dir),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "1. Klantmanager / begeleider" in out
    assert "Maak discriminatie bespreekbaar" in out
    assert "Bewaard" in out
    assert (
        "ik vraag wat er precies gebeurde" in out.split("/mijnreflecties")[-1]
        or out.count("ik vraag wat er precies gebeurde") >= 1
    )
    assert "Traceback" not in done.stderr


def test_action_server_speaks_rasas_protocol(tmp_path: Path, model_dir: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "actions", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=_env(tmp_path, model_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    async def talk() -> None:
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as http:
            await wait_healthy(http, port, proc, timeout=60, path="/health")
            async with http.get(f"{base}/actions") as response:
                names = {a["name"] for a in await response.json()}
            assert {"action_answer_lesson", "action_store_reflection", "action_help"} <= names
            assert all(names), names  # no helper class registered without a name
            payload = {
                "next_action": "action_answer_lesson",
                "sender_id": "1",
                "tracker": {
                    "sender_id": "1",
                    "slots": {},
                    "events": [],
                    "paused": False,
                    "latest_action_name": None,
                    "active_loop": {},
                    "latest_message": {
                        "text": "werkgever wil geen hoofddoek",
                        "intent": {"name": "ask_lesson", "confidence": 0.9},
                        "entities": [],
                        "response_selector": {
                            "ask_lesson": {
                                "response": {"intent_response_key": "ask_lesson/discriminatie"}
                            }
                        },
                    },
                },
                "domain": {},
            }
            async with http.post(f"{base}/webhook", json=payload) as response:
                body = await response.json()
                assert response.status == 200, body
            assert "Maak discriminatie bespreekbaar" in body["responses"][0]["text"]
            # Rasa's channels get plain text: no bold markers of our own channels
            assert not {"\x02", "\x03"} & set(body["responses"][0]["text"])
            assert {"event": "slot", "name": "lesson_id", "value": "discriminatie"}.items() <= next(
                e for e in body["events"] if e.get("name") == "lesson_id"
            ).items()
            payload["next_action"] = "action_help"
            async with http.post(f"{base}/webhook", json=payload) as response:
                assert "/reflectie" in (await response.json())["responses"][0]["text"]
            # an action that writes twice: one transaction per call (SQLite has one connection)
            payload["next_action"] = "action_store_reflection"
            payload["tracker"]["slots"] = {  # type: ignore[index]
                "state": "await_reflection",
                "prompt": "Wat deed je?",
                "pending_text": "ik vroeg eerst hoe het gesprek ging",
            }
            async with http.post(f"{base}/webhook", json=payload, timeout=20) as response:
                body = await response.json()
                assert response.status == 200, body
            assert "Bewaard" in body["responses"][0]["text"]
            assert any(e.get("name") == "reflection_id" and e["value"] for e in body["events"])

    try:
        asyncio.run(talk())
    finally:
        proc.terminate()
        proc.wait(timeout=20)
