"""`coach shell`: the full dialogue in the terminal; buttons become numbered choices."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.core.coach import Coach
from bot.core.replies import BOLD_END, BOLD_START, Button, Incoming, Reply, UserRef
from bot.settings import Settings

QUIT = {"/quit", "/exit", "exit", "quit", "/q"}


def render(reply: Reply, tty: bool) -> tuple[str, list[Button]]:
    on, off = ("\033[1m", "\033[0m") if tty else ("", "")
    text = reply.text.replace(BOLD_START, on).replace(BOLD_END, off)
    buttons = [b for row in reply.buttons for b in row]
    return text, buttons


async def chat(coach: Coach, user: UserRef, stdin: TextIO, stdout: TextIO) -> None:
    tty = stdout.isatty()
    loop = asyncio.get_running_loop()
    choices: list[Button] = []

    async def show(replies: list[Reply]) -> None:
        nonlocal choices
        choices = []
        for reply in replies:
            text, buttons = render(reply, tty)
            stdout.write(f"coach: {text}\n")
            if reply.document is not None:
                path = coach.services.settings.coach_data_dir / "exports" / reply.document.filename
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(reply.document.content)
                stdout.write(f"       [bestand opgeslagen: {path}]\n")
            for button in buttons:
                choices.append(button)
                stdout.write(f"  {len(choices)}. {button.label}\n")
        stdout.flush()

    stdout.write("Chat met de coach. Typ je vraag; /help voor uitleg, /quit om te stoppen.\n")
    await show(await coach.handle(user, "/start"))
    while True:
        stdout.write("jij> ")
        stdout.flush()
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            break
        text = line.rstrip("\n")
        if text.strip().lower() in QUIT:
            break
        message = Incoming(text=text)
        if text.strip().isdigit() and 1 <= int(text.strip()) <= len(choices):
            message = Incoming(action=choices[int(text.strip()) - 1].action)
        await show(await coach.handle(user, message))
    stdout.write("Tot ziens!\n")
    stdout.flush()


async def run_shell(settings: Settings, user_id: str) -> None:
    from bot.wiring import coach_for

    async with coach_for(settings) as coach:
        await chat(coach, UserRef("shell", user_id), sys.stdin, sys.stdout)
