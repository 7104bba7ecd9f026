"""Smoke test of the built image, as `docker-compose.yml` and `.env.example` ship (issue 13).

Runs on the host next to a docker daemon (scripts/ci_image.sh calls it):

    .venv/bin/python scripts/image_smoke.py --image coach:ci

The containers use the compose file's own command lines (services `migrate` and `bot`) and
`.env.example`'s values; only what an operator fills in is set here (an encryption key made
with the image's `coach keys new`, the bot token, the webhook secret) plus the Bot API's
address, which points at the fake Bot API (tests/fakes/) this script runs. The containers
share the host's network (no docker bridge), and the compose service names `postgres` and
`redis` resolve to this machine's PostgreSQL and Redis (`--add-host`), so `.env.example`'s
URLs are used unchanged; the script creates the role and database they name and drops the
database at the end.

Checked: the runtime user is not root and reads the model trained at build time (the bot
does not train at start); `coach invite create` reads the bot's username with getMe; an
invited user's question through the webhook gets the lesson; a reflection is stored
encrypted; a daily question made due is sent once (by the bot's own dispatcher, and a
following `coach prompts dispatch --once` returns and sends nothing more); the bot stops
on SIGTERM within seconds. Exit status 0 when all hold; otherwise one line per failure.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
import yaml  # noqa: E402

from tests.fakes import FakeBotApi  # noqa: E402

CHAT = 424242
BOT_NAME = "coach-smoke-bot"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class SmokeFailure(Exception):
    pass


def example_env() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Z_]+)=(.*)$", text, re.M))


def compose_command(service: str) -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return [str(word) for word in compose["services"][service]["command"]]


def docker_args(env_file: Path) -> list[str]:
    return [
        "--network",
        "host",
        "--add-host",
        "postgres:127.0.0.1",
        "--add-host",
        "redis:127.0.0.1",
        "--env-file",
        str(env_file),
    ]


async def run(argv: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A docker command in a thread: the fake Bot API in this event loop keeps answering."""
    return await asyncio.to_thread(
        subprocess.run, argv, capture_output=True, text=True, timeout=timeout, check=False
    )


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SmokeFailure(what)
    print(f"ok: {what}", flush=True)


async def prepare_database(url: str) -> None:
    """The role and database of .env.example's COACH_DATABASE_URL, the database new."""
    from sqlalchemy.engine import make_url

    target = make_url(url)
    conn = await asyncpg.connect(ADMIN_URL)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", target.username)
        if not exists:
            await conn.execute(
                f"CREATE ROLE \"{target.username}\" LOGIN PASSWORD '{target.password}'"
            )
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{target.database}" OWNER "{target.username}"')
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    from sqlalchemy.engine import make_url

    conn = await asyncpg.connect(ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


def host_url(url: str) -> str:
    """The same database as seen from the host (the compose name `postgres` is 127.0.0.1)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(host="127.0.0.1").render_as_string(hide_password=False)


async def wait_healthy(http: aiohttp.ClientSession, url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        state = (
            await run(["docker", "inspect", "-f", "{{.State.Running}}", BOT_NAME])
        ).stdout.strip()
        if state != "true":
            logs = await run(["docker", "logs", BOT_NAME])
            raise SmokeFailure(f"the bot container stopped: {(logs.stdout + logs.stderr)[-2000:]}")
        await asyncio.sleep(1)
    raise SmokeFailure(f"{url} not healthy after {seconds:.0f} s")


async def smoke(image: str, workdir: Path) -> None:
    env = example_env()
    database_url = env["COACH_DATABASE_URL"]

    user = await run(["docker", "run", "--rm", image, "sh", "-c", "id -u; id -un"])
    uid, name = [*user.stdout.split(), "", ""][:2]
    check(user.returncode == 0 and uid not in ("", "0"), f"the image runs as {name} (uid {uid})")
    readable = await run(
        [
            "docker",
            "run",
            "--rm",
            image,
            "sh",
            "-c",
            "test -r /app/model/meta.json && ls /app/model",
        ]
    )
    check(readable.returncode == 0, "the runtime user reads the model folder /app/model")

    key = (await run(["docker", "run", "--rm", image, "coach", "keys", "new"])).stdout.strip()
    check(len(key) >= 40, "`coach keys new` in the image gives a key")

    async with FakeBotApi() as fake:
        secret = secrets.token_urlsafe(24)
        env.update(
            COACH_ENCRYPTION_KEY=key,
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_WEBHOOK_SECRET=secret,
            TELEGRAM_API_BASE_URL=fake.base_url,
            TELEGRAM_API_FILE_URL=fake.base_file_url,
        )
        env_file = workdir / "smoke.env"
        env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
        args = docker_args(env_file)

        await prepare_database(database_url)
        migrate = await run(["docker", "run", "--rm", *args, image, *compose_command("migrate")])
        check(migrate.returncode == 0, f"migrate: `{' '.join(compose_command('migrate'))}`")

        made = await run(
            ["docker", "run", "--rm", *args, image, "coach", "invite", "create", "--org", "Smoke"]
        )
        link = made.stdout.strip()
        check(
            made.returncode == 0 and link.startswith("https://t.me/fake_coach_bot?start="),
            f"`coach invite create` reads the username from getMe: {link or made.stderr[-300:]}",
        )
        code = link.rsplit("=", 1)[1]

        bot_command = compose_command("bot")
        port = int(bot_command[bot_command.index("--port") + 1])
        await run(["docker", "rm", "-f", BOT_NAME])
        started = await run(["docker", "run", "-d", "--name", BOT_NAME, *args, image, *bot_command])
        check(started.returncode == 0, f"bot: `{' '.join(bot_command)}` started")
        try:
            await conversation(fake, port, secret, code, host_url(database_url))
        finally:
            t0 = time.monotonic()
            stop = await run(["docker", "stop", "-t", "20", BOT_NAME])
            stopped_in = time.monotonic() - t0
            status = (
                await run(["docker", "inspect", "-f", "{{.State.ExitCode}}", BOT_NAME])
            ).stdout
            logs = await run(["docker", "logs", BOT_NAME])
            (workdir / "bot.log").write_text(logs.stdout + logs.stderr, encoding="utf-8")
            await run(["docker", "rm", "-f", BOT_NAME])
        check(
            stop.returncode == 0 and stopped_in < 15 and status.strip() == "0",
            f"the bot ended on SIGTERM in {stopped_in:.1f} s, exit status {status.strip()}",
        )
        check("voor het eerst getraind" not in logs.stderr, "the bot did not train at start")

        again = time.monotonic()
        before = len(fake.sent_texts(CHAT))
        once = await run(
            ["docker", "run", "--rm", *args, image, "coach", "prompts", "dispatch", "--once"]
        )
        check(
            once.returncode == 0 and len(fake.sent_texts(CHAT)) == before,
            f"`coach prompts dispatch --once` returned in {time.monotonic() - again:.1f} s "
            "and sent nothing more",
        )
    await drop_database(database_url)


async def conversation(fake: FakeBotApi, port: int, secret: str, code: str, db: str) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    update_ids = iter(range(1, 1000))
    async with aiohttp.ClientSession() as http:
        await wait_healthy(http, f"http://127.0.0.1:{port}/healthz", 180)
        check(True, "the bot answers /healthz")

        async def say(text: str, expect: str) -> str:
            seen = len(fake.sent_texts(CHAT))
            update = {"update_id": next(update_ids), "message": fake.make_message(CHAT, text)}
            async with http.post(
                f"http://127.0.0.1:{port}/telegram", json=update, headers=headers
            ) as response:
                check(response.status == 200, f"webhook took {text!r}")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                new = fake.sent_texts(CHAT)[seen:]
                if any(expect.lower() in t.lower() for t in new):
                    check(True, f"{text!r} got an answer with {expect!r}")
                    return "\n".join(new)
                await asyncio.sleep(0.2)
            raise SmokeFailure(f"{text!r}: no answer with {expect!r}; got {new}")

        await say(f"/start {code}", "")
        await say("wat is een goede intake?", "intake")
        await say("/dagelijks om 17:00", "17:00")

        conn = await asyncpg.connect(db)
        try:
            row = await conn.fetchrow(
                "SELECT u.id, u.invite_code FROM users u WHERE u.channel_user_id = $1", str(CHAT)
            )
            check(row is not None and row["invite_code"] == code, "the user is stored, invited")
            assert row is not None
            user_id = row["id"]
            moved = await conn.execute(
                "UPDATE prompt_schedules SET next_due_at = now() AT TIME ZONE 'utc'"
                " - interval '1 minute' WHERE user_id = $1",
                user_id,
            )
            check(moved == "UPDATE 1", "the daily question is set and now made due")
            seen = len(fake.sent_texts(CHAT))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and len(fake.sent_texts(CHAT)) == seen:
                await asyncio.sleep(0.5)
            check(len(fake.sent_texts(CHAT)) > seen, "the due question was sent by the bot")
            await asyncio.sleep(3)
            first = fake.sent_texts(CHAT)[seen:]
            await asyncio.sleep(45)  # two more ticks of the bot's dispatcher (20 s)
            after = fake.sent_texts(CHAT)[seen:]
            check(after == first and len(first) == 1, f"sent once: {len(after)} message(s)")
            schedule = await conn.fetchrow(
                "SELECT last_sent_at, next_due_at, failed_attempts FROM prompt_schedules"
                " WHERE user_id = $1",
                user_id,
            )
            assert schedule is not None
            check(
                schedule["last_sent_at"] is not None
                and schedule["next_due_at"] > schedule["last_sent_at"]
                and schedule["failed_attempts"] == 0,
                "the schedule records it sent and the next one in the future",
            )
        finally:
            await conn.close()

        await say("/reflectie", "")
        await say("ik merkte dat ik bij de intake te snel ging", "Zal ik het bewaren?")
        await say("ja", "Bewaard")  # issue 12: an answer is kept after a yes
        conn = await asyncpg.connect(db)
        try:
            texts: list[Any] = await conn.fetch(
                "SELECT r.* FROM reflections r JOIN users u ON u.id = r.user_id"
                " WHERE u.channel_user_id = $1",
                str(CHAT),
            )
        finally:
            await conn.close()
        stored = [str(dict(r)) for r in texts]
        check(
            len(stored) == 1 and "te snel ging" not in stored[0],
            "one reflection stored, not in plain text",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--image", default="coach:ci")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/coach-image-smoke"))
    ns = parser.parse_args()
    ns.workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        asyncio.run(smoke(ns.image, ns.workdir))
    except (SmokeFailure, subprocess.TimeoutExpired) as exc:
        print(f"IMAGE SMOKE TEST FAILED: {exc} (bot log: {ns.workdir / 'bot.log'})")
        return 1
    print(f"image smoke test passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
