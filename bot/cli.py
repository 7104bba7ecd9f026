"""The `coach` command: a thin click layer over the core; core errors become clear messages."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError  # issue 15

from bot.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def _knowledge(settings: Settings):
    from bot.knowledge import KnowledgeError, load_knowledge

    try:
        return load_knowledge(settings.coach_knowledge_dir)
    except KnowledgeError as exc:
        raise click.ClickException(f"knowledge: {exc}") from exc


def _nlu(settings: Settings, knowledge: Any):
    from bot.nlu.data import TrainingDataError
    from bot.nlu.engine import build_nlu

    try:
        return build_nlu(settings, knowledge)
    except TrainingDataError as exc:
        raise click.ClickException(f"training data: {exc}") from exc


class _OneLineErrors(click.Group):
    """issue 13: a failure an operator can cause (database, key, folder) is one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # the last resort: no traceback, the cause in one line
            raise click.ClickException(_one_line(exc)) from exc


def _one_line(exc: BaseException) -> str:
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    root: BaseException = exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        root = exc.orig
    text = (str(root).strip().splitlines() or [""])[0][:300]
    if isinstance(exc, SQLAlchemyError) or "database" in type(root).__module__:
        return f"database: {text} (check COACH_DATABASE_URL)"
    if isinstance(exc, ConnectionError | TimeoutError):
        return f"cannot reach a service: {text} (check COACH_DATABASE_URL / COACH_REDIS_URL)"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {text}"
    return f"{type(root).__name__}: {text}"


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log at debug level.")
def main(verbose: bool) -> None:
    """Coach for professionals who guide statushouders into work."""
    from bot.logs import setup_logging

    setup_logging(logging.DEBUG if verbose else logging.WARNING)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract.")
def ask(question: str, as_json: bool) -> None:
    """Answer one question (or, with '-' and --json, one per stdin line); no user state."""
    settings = _settings()
    knowledge = _knowledge(settings)
    nlu = _nlu(settings, knowledge)
    if question == "-":
        batch: list[str] = []
        for line in sys.stdin:
            batch.append(line.rstrip("\n"))
            if len(batch) >= 256:
                _emit(nlu, knowledge, batch, as_json)
                batch = []
        _emit(nlu, knowledge, batch, as_json)
        return
    _emit(nlu, knowledge, [question], as_json)


def _emit(nlu: Any, knowledge: Any, lines: list[str], as_json: bool) -> None:
    from bot.core.quick import quick_answer

    if not lines:
        return
    for text, parse in zip(lines, nlu.parse_many(lines), strict=True):
        answer = quick_answer(knowledge, text, parse)
        if as_json:
            click.echo(json.dumps(answer, ensure_ascii=False))
        else:
            click.echo(answer["reply"])
            click.echo()
    sys.stdout.flush()


@main.command(name="eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--errors", is_flag=True, help="List every miss.")
def eval_(path: Path, as_json: bool, errors: bool) -> None:
    """Accuracy report on a labelled JSONL file."""
    from bot.nlu.evaluate import EvalFileError, evaluate, format_report, read_eval_file

    settings = _settings()
    knowledge = _knowledge(settings)
    try:
        cases = read_eval_file(path, knowledge)
    except EvalFileError as exc:
        raise click.ClickException(str(exc)) from exc
    report = evaluate(_nlu(settings, knowledge), knowledge, cases)
    click.echo(
        json.dumps(report, ensure_ascii=False, indent=2)
        if as_json
        else format_report(report, errors)
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract.")
def knowledge(as_json: bool) -> None:
    """The knowledge base: every titled item and every gesprekskaart question."""
    settings = _settings()
    kb = _knowledge(settings)
    if as_json:
        click.echo(json.dumps(kb.to_json(), ensure_ascii=False, indent=2))
        return
    for section in sorted(kb.sections, key=lambda s: s.order):
        items = [i for i in kb.items if i.section == section.id]
        cards = [c for c in kb.cards if c.theme == section.id]
        if not items and not cards:
            continue
        click.echo(click.style(section.title.upper(), bold=True))
        for item in items:
            click.echo(f"  [{item.id}] {item.title}")
        for card in cards:
            click.echo(f"  Gesprekskaart ({card.audience}): {card.title}")
            for q in card.questions:
                click.echo(f"    - {q.text}")
        click.echo()


@main.command()
def train() -> None:
    """Train the NLU from nlu_data/ into the model folder."""
    from bot.nlu.data import TrainingDataError
    from bot.nlu.engine import train as train_model
    from bot.privacy.lists import save_vocabulary

    settings = _settings()
    kb = _knowledge(settings)
    try:
        meta = train_model(
            kb,
            settings.coach_nlu_data_dir,
            settings.model_dir,
            settings.coach_knowledge_dir,
            progress=lambda line: click.echo(line, err=True),  # issue 13: steps on screen
        )
    except TrainingDataError as exc:
        raise click.ClickException(f"training data: {exc}") from exc
    save_vocabulary(settings.model_dir)  # the client-data guard's Dutch words, with the model
    click.echo(
        f"trained {meta['labels']} labels on {meta['examples']} examples "
        f"in {meta['seconds']} s -> {settings.model_dir}"
    )


@main.command()
@click.option(
    "--user",
    "user_id",
    default="local",
    show_default=True,
    help="Who you are in the shell; each id has its own reflections.",
)
def shell(user_id: str) -> None:
    """Chat in the terminal with the full dialogue and storage."""
    from bot.channels.shell import run_shell

    settings = _settings()
    asyncio.run(run_shell(settings, user_id))


@main.command()
@click.option("--webhook", "use_webhook", is_flag=True, help="Serve a webhook instead of polling.")
@click.option(
    "--webhook-url",
    envvar="TELEGRAM_WEBHOOK_URL",
    default=None,
    help="Public base URL to register with Telegram (webhook mode).",
)
# issue 15: the webhook server listens locally by default (a reverse proxy fronts it)
@click.option("--host", default="127.0.0.1", show_default=True, help="Webhook server address.")
@click.option("--port", default=8080, show_default=True, type=int, help="Webhook server port.")
@click.option("--path", default="/telegram", show_default=True, help="Webhook path.")
def telegram(use_webhook: bool, webhook_url: str | None, host: str, port: int, path: str) -> None:
    """Run the Telegram bot (long polling, or --webhook), with the daily prompts."""
    from bot.channels.telegram_run import run_telegram
    from bot.logs import setup_logging

    settings = _settings()
    level = logging.getLevelNamesMapping().get(settings.coach_log_level.upper(), logging.INFO)
    setup_logging(level)
    try:
        settings.require_telegram_token()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        asyncio.run(run_telegram(settings, webhook_url, host, port, path, use_webhook))
    except (ConnectionError, TimeoutError, SQLAlchemyError) as exc:  # issue 15: one line
        raise click.ClickException(
            f"database unreachable ({type(exc).__name__}); check COACH_DATABASE_URL"
        ) from None


@main.command(name="actions")
@click.option("--port", default=5055, show_default=True, type=int)
@click.option("--host", default="0.0.0.0", show_default=True)
def actions_server(port: int, host: str) -> None:
    """Serve the rasa-sdk actions for a Rasa deployment (/webhook, /health, /actions)."""
    from bot.channels.action_server import serve

    serve(_settings(), host, port)


@main.group()
def prompts() -> None:
    """Daily reflection prompts."""


@prompts.command(name="dispatch")
@click.option("--once", is_flag=True, required=True, help="One pass: send what is due, then exit.")
def prompts_dispatch(once: bool) -> None:
    """Send the prompts that are due (for cron-style deployments)."""
    from bot.channels.telegram_run import dispatch_once

    settings = _settings()
    try:
        settings.require_telegram_token()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    sent = asyncio.run(dispatch_once(settings))
    click.echo(f"sent {sent} prompts")


@main.command(name="rasa-files")
def rasa_files() -> None:
    """Write domain.yml, config.yml, endpoints.yml and rasa/rules.yml for a Rasa 3.6 server."""
    from bot.rasa_export import write_all
    from bot.settings import PROJECT_ROOT
    from bot.wiring import action_names

    settings = _settings()
    names = action_names()
    for path in write_all(PROJECT_ROOT, _knowledge(settings), names):
        click.echo(f"wrote {path.relative_to(PROJECT_ROOT)}")


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
def upgrade() -> None:
    """Apply migrations."""
    from bot.storage.db import make_engine
    from bot.storage.db import upgrade as run_upgrade

    settings = _settings()

    async def _go() -> None:
        engine = make_engine(settings.database_url)
        try:
            await run_upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(_go())
    click.echo("database is up to date")


@main.group()
def invite() -> None:
    """Invitations for COACH_ACCESS=invite (admin actions live here, never in the chat)."""


def _with_sessions(settings: Settings, work: Any) -> Any:
    from bot.storage.db import make_engine, session_factory
    from bot.storage.db import upgrade as run_upgrade

    async def _go() -> Any:
        engine = make_engine(settings.database_url)
        try:
            await run_upgrade(engine)
            async with session_factory(engine).begin() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(_go())


@invite.command(name="create")
@click.option("--org", "organisation", required=True, help='e.g. "Gemeente Utrecht".')
@click.option(
    "--uses", type=click.IntRange(min=1), default=None, help="How many people may use it."
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day it works (YYYY-MM-DD, end of that day in COACH_TIMEZONE).",
)
@click.option(
    "--bot-username",
    envvar="TELEGRAM_BOT_USERNAME",
    default=None,
    help="For the t.me link; by default read from Telegram (getMe) with the bot token.",
)
@click.option(  # issue 18: a link to the web chat instead of t.me
    "--channel", type=click.Choice(["telegram", "web"]), default="telegram", show_default=True
)
def invite_create(
    organisation: str, uses: int | None, expires: Any, bot_username: str | None, channel: str
) -> None:
    """Create an invitation and print its deep link."""
    from datetime import time, timedelta

    from bot.clock import utcnow
    from bot.storage import invites

    settings = _settings()
    expires_at = None
    if expires is not None:
        end = expires.date() + timedelta(days=1)
        from datetime import datetime

        expires_at = datetime.combine(end, time(0), tzinfo=settings.timezone)
        if expires_at <= utcnow():  # issue 13: a code that never works helps nobody
            raise click.ClickException(f"--expires {expires.date().isoformat()} is in the past")
    if channel == "telegram" and not bot_username:  # issue 13: from getMe, not `<bot>`
        from bot.channels.telegram_me import UsernameError, read_username

        try:
            bot_username = read_username(settings)
        except UsernameError as exc:
            raise click.ClickException(str(exc)) from None

    async def work(session: Any) -> str:
        made = await invites.create(session, organisation, uses, expires_at, utcnow())
        return made.code

    code = _with_sessions(settings, work)
    if channel == "web":  # issue 18:
        from bot.storage.invites import web_link

        click.echo(web_link(settings, code))
        return
    click.echo(f"https://t.me/{bot_username}?start={code}")


@invite.command(name="list")
def invite_list() -> None:
    """List invitations with their organisation, uses left and expiry."""
    from bot.clock import utcnow
    from bot.storage import invites

    async def work(session: Any) -> list[str]:
        return [
            f"{i.code}  {i.organisation}  uses_left={'∞' if i.uses_left is None else i.uses_left}"
            f"  expires={i.expires_at.date().isoformat() if i.expires_at else '-'}"
            f"{'  REVOKED' if i.revoked else ''}"
            f"{'  EXPIRED' if i.expires_at and i.expires_at <= utcnow() else ''}"
            f"{'  USED UP' if i.uses_left == 0 else ''}"  # issue 13
            for i in await invites.all_invites(session)
        ]

    for line in _with_sessions(_settings(), work):
        click.echo(line)


@invite.command(name="revoke")
@click.argument("code")
def invite_revoke(code: str) -> None:
    """Revoke an invitation; people who already joined keep access."""
    from bot.storage import invites

    async def work(session: Any) -> bool:
        return await invites.revoke(session, code)

    if not _with_sessions(_settings(), work):
        raise click.ClickException(f"no invitation with code {code}")
    click.echo(f"revoked {code}")


@main.group()
def keys() -> None:
    """Encryption keys for reflection texts."""


@keys.command(name="new")
def keys_new() -> None:
    """Print a new key for COACH_ENCRYPTION_KEY."""
    from bot.storage.crypto import TextCipher

    click.echo(TextCipher.new_key())


@keys.command(name="rotate")
def keys_rotate() -> None:
    """Re-encrypt every reflection with the first key in COACH_ENCRYPTION_KEY."""
    from bot.storage.maintenance import rotate_keys

    settings = _settings()
    count = asyncio.run(rotate_keys(settings))
    click.echo(f"re-encrypted {count} reflections")


# --------------------------------------------------------------------------- issue 14


@main.command()
@click.argument("source", default="-")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input line.")
@click.option("--deduce", "use_deduce", is_flag=True, help="Also use deduce for names.")
def scan(source: str, as_json: bool, use_deduce: bool) -> None:
    """Run the client-data guard on text: SOURCE, or '-' for one text per stdin line."""
    from bot.privacy.guard import ClientDataGuard

    guard = ClientDataGuard(use_deduce=use_deduce)
    lines = sys.stdin.read().splitlines() if source == "-" else [source]
    for line in lines:
        result = guard.scan(line)
        cleaned = result.redacted(line)
        if as_json:
            row = {
                "text": line,
                "findings": [
                    {"kind": f.kind, "start": f.start, "end": f.end} for f in result.findings
                ],
                "kinds": result.kind_codes(),
                "reason": result.reason,
                "cleaned": cleaned,
            }
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            kinds = ", ".join(result.kind_codes()) or "-"
            click.echo(f"{kinds}\t{cleaned}" + (f"\t({result.reason})" if result.reason else ""))


@keys.command(name="show-path")
def keys_show_path() -> None:
    """Print where the default key file is (used when COACH_ENCRYPTION_KEY is not set)."""
    from bot.storage.crypto import key_file

    settings = _settings()
    path = key_file(settings.coach_data_dir)
    state = (
        "set: COACH_ENCRYPTION_KEY is used instead"
        if settings.coach_encryption_key
        else ("exists" if path.exists() else "will be created at the first start")
    )
    click.echo(f"{path} ({state})")


# issue 13: maintenance


@main.group()
def maintenance() -> None:
    """Jobs for cron (the running bot does them once a day by itself)."""


@maintenance.command(name="purge")
def maintenance_purge() -> None:
    """Delete reflections past retention, update ids older than a week, expired invites."""
    from bot.storage.maintenance import purge_everything

    done = asyncio.run(purge_everything(_settings()))
    click.echo(
        f"purged {done['reflections']} reflections, {done['update_ids']} update ids, "
        f"{done['invites']} expired invites"
    )


# issue 17: team insight per organisation, off unless enabled here
@main.group()
def org() -> None:
    """Organisations (as their invites name them)."""


def _set_insights(organisation: str, on: bool) -> None:
    from bot.clock import utcnow
    from bot.team import insight

    async def work(session: Any) -> None:
        await insight.set_enabled(session, organisation, on, utcnow())

    _with_sessions(_settings(), work)
    click.echo(f"team insight {'on' if on else 'off'} for {organisation}")


@org.command(name="enable-insights")
@click.argument("organisation")
def org_enable_insights(organisation: str) -> None:
    """Let this organisation's managers see counts of guide parts asked (k >= 5)."""
    _set_insights(organisation, True)


@org.command(name="disable-insights")
@click.argument("organisation")
def org_disable_insights(organisation: str) -> None:
    """Turn team insight off again for this organisation."""
    _set_insights(organisation, False)


# -- issue 18: the web chat ------------------------------------------------------------------
@main.command(name="web")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8080, show_default=True)
def web_command(host: str, port: int) -> None:
    """Run the web chat (its own page and API) beside or instead of Telegram."""
    from bot.channels.web import run_web
    from bot.logs import setup_logging

    settings = _settings()
    setup_logging(getattr(logging, settings.coach_log_level.upper(), logging.INFO))
    asyncio.run(run_web(settings, host, port))


if __name__ == "__main__":  # pragma: no cover
    main()  # last: every command above is registered first (`python -m bot.cli web`)
