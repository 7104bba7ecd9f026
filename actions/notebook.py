"""issue 16: the notebook — list, open, search, add to, correct and delete one entry; notes;
"wat weet je van mij?"; patterns in the user's own reflections.

Requests are read by `bot.core.notebook` (typed, the call's text) or come as `nb:<op>[:<key>]`
buttons (the call's `nb` argument). A text to keep has passed the policy's client-data check
before it gets here (`Policy.notebook_write`). Every read and write goes through
`bot.storage.repo`, filtered on this user's id; the dialogue state is the policy's to write
(the Outcome asks for it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from actions.base import Call, CoachAction, Outcome, client_data_in
from bot.core import notebook as nb
from bot.core import patterns, texts
from bot.core.dialogue import State
from bot.core.export import ROLE_NL
from bot.core.replies import Button, bold
from bot.core.schedule import describe_row
from bot.knowledge import Audience
from bot.services import Services
from bot.storage import repo
from bot.storage.crypto import EncryptionError
from bot.storage.models import Note, Onboarding, PromptSchedule, User

REPLY_WIDTH = 60  # a confirmation quotes this much of the text: one line on a phone
MAX_TEXT = 4000  # as a reflection (bot.core.coach.MAX_REFLECTION_CHARS)
LOCKED = "(versleuteld; de sleutel ontbreekt)"

# -- wording (Dutch, B1) ---------------------------------------------------------------------
EMPTY_BOOK = (
    "Je notitieboek is nog leeg. Typ /reflectie voor een vraag, of bewaar iets met ‘onthoud: …’."
)
HEADER = "Je notitieboek ({counts}), nieuwste eerst:"
HINT = (
    "Openen: typ ‘open 2’, ‘die van gisteren’ of ‘die over de intake’. "
    "Zoeken: ‘zoek naar werkdruk’."
)
MORE = "Toon meer"
NO_MORE = "Dat waren ze allemaal. Typ ‘mijn notities’ om weer vooraan te beginnen."
NOT_FOUND = "Daar vind ik niets bij in je notitieboek. Typ ‘mijn notities’ voor de lijst."
NOT_NUMBER = "Nummer {n} staat niet in je notitieboek; er staan er {total} in."
NONE_OPEN = "Welke bedoel je? Typ bijvoorbeeld ‘open 2’ of ‘die van gisteren’."
CHOOSE = "Ik vond er {n}. Welke bedoel je? Kies of typ het nummer."
CHOOSE_MORE = "Ik vond er {n}; dit zijn de nieuwste {k}. Kies, of zeg het preciezer."
SEARCH_NONE = "Niets gevonden voor ‘{q}’ in je notitieboek."
SEARCH_FOUND = "Gevonden voor ‘{q}’ ({n}):"
SEARCH_FOUND_WHEN = "Gevonden voor ‘{q}’ {when} ({n}):"
SEARCH_NONE_WHEN = "Niets gevonden voor ‘{q}’ {when} in je notitieboek."
SEARCH_NONE_THEN = "Niets over ‘{q}’ {when}. Op een andere datum wel ({n}): typ ‘zoek naar {q}’."
TIME_FOUND = "{when} ({n}):"
TIME_NONE = "In je notitieboek staat niets {when}. Typ ‘mijn notities’ voor de lijst."
OPEN_HINT = "Aanvullen: typ ‘voeg toe: …’. Verbeteren: ‘verbeter: …’ (vervangt de tekst)."
DELETE_BUTTON = "Verwijder"
DELETE_ASK = "Wil je deze {kind} verwijderen?\n{when} – “{line}”\nDe andere blijven bewaard."
DELETE_YES = "Ja, verwijder"
DELETE_NO = "Nee, bewaar"
DELETED_ONE = "Verwijderd: {when} – “{line}”\n{left}"
LEFT = {0: "Je notitieboek is nu leeg.", 1: "De andere blijft bewaard."}
LEFT_MANY = "De andere {n} blijven bewaard."
DELETE_KEPT = "Niets verwijderd."
NOTHING_OPEN = "Er staat niets open. Typ ‘mijn notities’ voor je notitieboek."
ASK_BODY = {
    "note": "Wat wil je bewaren? Typ bijvoorbeeld ‘onthoud: agenda voor het overleg …’.",
    "add": "Wat wil je toevoegen? Typ bijvoorbeeld ‘voeg toe aan die van gisteren: …’.",
    "replace": "Wat moet er komen te staan? Typ bijvoorbeeld ‘verbeter nummer 2: …’.",
}
NOTE_STORED = "Bewaard als notitie. Je vindt hem terug met ‘mijn notities’."
ADDED = "Aangevuld: {when} – erbij: “{line}”"  # the added part
REPLACED = "Verbeterd: {when} – nu: “{line}”"  # the new text
LESSON = "Les: {lesson}"
THEME = "Thema: {part}"  # a question's theme (a guide part), shown when there is no lesson
ADDITION = "Aanvulling ({date}):"
KIND_NL = {"reflection": "reflectie", "note": "notitie"}

# -- "wat weet je van mij?" ------------------------------------------------------------------
ABOUT_NOTHING = (
    "Ik bewaar niets meer van je: geen rol, geen reflecties of notities, geen instellingen. "
    "Met /start begin je opnieuw."
)
ABOUT_HEADER = "Dit bewaar ik van je:"
ABOUT_FOOTER = (
    "Alles downloaden: /export. Alles wissen: /vergeet. Wat ik bewaar en waarom: /privacy."
)

# -- patterns --------------------------------------------------------------------------------
NO_NLU = "Ik kan je teksten nu niet lezen op patronen. Probeer het later nog eens."


def _tz(user: User | None, svc: Services) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone) if user is not None else svc.settings.timezone
    except (KeyError, ValueError):
        return svc.settings.timezone


def _date(when: datetime, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%d-%m-%Y")


def _decrypt(svc: Services, stored: str) -> str:
    try:
        return svc.cipher.decrypt(stored)
    except EncryptionError:
        return LOCKED


async def entries_of(session: AsyncSession, svc: Services, uid: int) -> list[nb.Entry]:
    """The user's reflections and notes, decrypted, newest first (the list's numbering)."""
    knowledge = svc.knowledge
    reflections, notes = await repo.notebook_rows(session, uid)
    found: list[nb.Entry] = []
    for r in reflections:
        item = knowledge.items_by_id.get(r.lesson_id or "")
        # the lesson's guide part; without a lesson (/reflectie) the question card's theme
        section = item.section if item else r.theme
        lesson = item.title if item else ""
        part = knowledge.section_title(section) if section in knowledge.sections_by_id else ""
        titles = " · ".join(t for t in (lesson, part) if t)
        found.append(
            nb.Entry(
                f"r{r.id}",
                "reflection",
                r.created_at,
                _decrypt(svc, r.text),
                r.prompt,
                r.lesson_id,
                r.theme,
                r.parent_id,
                titles,
                lesson,
                part,
            )
        )
    for n in notes:
        item = knowledge.items_by_id.get(n.lesson_id or "")
        found.append(
            nb.Entry(
                f"n{n.id}",
                "note",
                n.created_at,
                _decrypt(svc, n.text),
                lesson_id=n.lesson_id,
                titles=item.title if item else "",
                lesson=item.title if item else "",
            )
        )
    found.sort(key=lambda e: (e.created_at, e.kind == "note", int(e.key[1:])), reverse=True)
    return found


def counted(reflections: int, notes: int) -> str:
    """ "1 reflectie en 2 notities" """
    r = f"{reflections} reflectie{'' if reflections == 1 else 's'}"
    return f"{r} en {notes} notitie{'' if notes == 1 else 's'}"


def label(entry: nb.Entry) -> str:
    """The lesson it belongs to (title as in the guide), else the theme of its question
    (said to be a theme: it is no lesson), else its kind."""
    if entry.kind == "note":
        return "Notitie" + (f" · {entry.lesson}" if entry.lesson else "")
    title = entry.lesson or (THEME.format(part=entry.part) if entry.part else "Reflectie")
    return title + (" (verdieping)" if entry.parent_id else "")


def about(entry: nb.Entry) -> str:
    """The line under an opened entry's heading: its lesson and guide part, or its theme."""
    if entry.kind == "note":
        return entry.lesson
    if entry.lesson:
        return LESSON.format(lesson=entry.lesson) + (f" · {entry.part}" if entry.part else "")
    return THEME.format(part=entry.part) if entry.part else ""


def line_of(entry: nb.Entry, number: int, tz: ZoneInfo) -> str:
    return f"{number}. {bold(_date(entry.created_at, tz))} · {label(entry)}\n   {entry.first_line}"


class Book:
    """One turn's work on one user's notebook."""

    def __init__(self, svc: Services, session: AsyncSession, user: User, call: Call) -> None:
        self.svc, self.session, self.user, self.call = svc, session, user, call
        self.out = Outcome()
        self.tz = _tz(user, svc)
        self.today = svc.clock().astimezone(self.tz).date()
        self._entries: list[nb.Entry] | None = None

    async def entries(self) -> list[nb.Entry]:
        if self._entries is None:
            self._entries = await entries_of(self.session, self.svc, self.user.id)
        return self._entries

    def say(self, text: str, buttons: list[list[Button]] | None = None) -> None:
        self.out.say(text, buttons or [])

    def _idle(self, **slots: Any) -> Outcome:
        return self.out.then(
            State.IDLE, nb_pending=None, nb_choice=None, pending_text=None, **slots
        )

    # -- list ------------------------------------------------------------------------------
    async def listing(
        self, offset: int = 0, theme: str | None = None, more: bool = False
    ) -> Outcome:
        entries = await self.entries()
        if not entries:
            self.say(EMPTY_BOOK)
            return self._idle(nb_next=None)
        numbered = list(enumerate(entries, 1))
        if theme:
            numbered = [(i, e) for i, e in numbered if e.theme == theme]
        if offset >= len(numbered) and more:
            self.say(NO_MORE)
            return self._idle(nb_next=None)
        page = numbered[offset : offset + nb.PAGE]
        reflections = sum(e.kind == "reflection" for e in entries)
        counts = counted(reflections, len(entries) - reflections)
        lines = [HEADER.format(counts=counts)] if not offset else []
        lines += [line_of(e, i, self.tz) for i, e in page]
        following = offset + nb.PAGE
        buttons: list[list[Button]] = []
        if following < len(numbered):
            lines.append(f"({offset + len(page)} van {len(numbered)}.)")
            buttons.append([Button(MORE, f"nb:more:{following}")])
        if not offset and not theme:
            themes = sorted(
                {e.theme for e in entries if e.theme in self.svc.knowledge.sections_by_id},
                key=lambda t: self.svc.knowledge.sections_by_id[t].order,
            )
            if len(themes) > 1:
                buttons += [
                    [Button(self.svc.knowledge.section_title(t), f"theme:{t}")] for t in themes
                ]
        lines.append(HINT)
        self.say("\n".join(lines), buttons)
        return self._idle(nb_next=following)  # past the end: "toon meer" says that was all

    # -- open, choose ------------------------------------------------------------------------
    async def find(self, ref: nb.Ref) -> list[nb.Entry] | None:
        """The entries a reference means; None (and said why) when there are none."""
        entries = await self.entries()
        if not entries:
            self.say(EMPTY_BOOK)
            return None
        if ref.number is not None and not 1 <= ref.number <= len(entries):
            self.say(NOT_NUMBER.format(n=ref.number, total=len(entries)))
            return None
        opened = self.call.data.get("nb_open")
        found = nb.matches(entries, ref, self.today, self.tz, opened)
        if not found:
            self.say(NONE_OPEN if ref.this else NOT_FOUND)
            return None
        return found

    def choose(self, found: list[nb.Entry], op: str, body: str = "", header: str = "") -> Outcome:
        shown = found[: nb.CHOICE]
        text = header or (
            CHOOSE.format(n=len(found))
            if len(found) <= nb.CHOICE
            else CHOOSE_MORE.format(n=len(found), k=len(shown))
        )
        lines = [text] + [line_of(e, i, self.tz) for i, e in enumerate(shown, 1)]
        buttons = [
            [Button(f"{i}. {_date(e.created_at, self.tz)} {e.first_line[:30]}", f"nb:pick:{e.key}")]
            for i, e in enumerate(shown, 1)
        ]
        self.say("\n".join(lines), buttons)
        # the text waiting for the choice is kept as the policy's (encrypted) pending_text
        return self.out.then(
            nb.CHOOSING,
            nb_choice=[e.key for e in shown],
            nb_pending={"op": op},
            pending_text=body or None,
        )

    def show(self, entry: nb.Entry, number: int) -> Outcome:
        kind = "Notitie" if entry.kind == "note" else "Reflectie"
        lines = [bold(f"{kind} {number} – {_date(entry.created_at, self.tz)}")]
        if heading := about(entry):
            lines.append(heading)
        if entry.prompt:
            lines.append(f"Vraag: {entry.prompt}")
        lines += ["", entry.text, "", OPEN_HINT]
        self.say("\n".join(lines), [[Button(DELETE_BUTTON, f"nb:del:{entry.key}")]])
        return self._idle(nb_open=entry.key)

    async def number_of(self, entry: nb.Entry) -> int:
        return next(i for i, e in enumerate(await self.entries(), 1) if e.key == entry.key)

    async def act_on(self, op: str, entry: nb.Entry, body: str) -> Outcome:
        if op == "open":
            return self.show(entry, await self.number_of(entry))
        if op == "delete":
            return self.ask_delete(entry)
        return await self.write(op, entry.key, body)

    async def on_ref(self, op: str, ref: nb.Ref, body: str = "") -> Outcome:
        if op in ("add", "replace") and not body.strip():
            self.say(ASK_BODY[op])
            return self._idle()
        found = await self.find(ref)
        if found is None:
            return self._idle()
        if len(found) > 1:
            return self.choose(found, op, body)
        return await self.act_on(op, found[0], body)

    async def pick(self, key: str) -> Outcome:
        choice = self.call.data.get("nb_choice") or []
        pending = self.call.data.get("nb_pending") or {}
        if key not in choice or self.call.state != nb.CHOOSING:
            self.say(NOTHING_OPEN)
            return self._idle()
        entry = next((e for e in await self.entries() if e.key == key), None)
        if entry is None:
            self.say(NOT_FOUND)
            return self._idle()
        body = str(self.call.data.get("pending_text") or "")
        return await self.act_on(str(pending.get("op") or "open"), entry, body)

    # -- search ----------------------------------------------------------------------------
    async def search(self, query: str, when: str | None = None) -> Outcome:
        """Entries holding every word of the query, of a time in words when one is given
        ("wat heb ik vorige week opgeschreven over taal?"); a time alone lists that time's."""
        entries = await self.entries()
        words = query.split()
        found = nb.search(entries, words) if words else list(entries)
        span = nb.resolve_when(when, self.today) if when else None
        if when and span is None:
            self.say(NOT_FOUND)
            return self._idle()
        of_time = found
        if span is not None:
            of_time = [
                e for e in found if span[0] <= e.created_at.astimezone(self.tz).date() <= span[1]
            ]
        said = nb.when_said(when) if when else ""
        if not of_time:
            if not words:
                self.say(TIME_NONE.format(when=said))
            elif found:  # the subject is there, from another time
                self.say(SEARCH_NONE_THEN.format(q=query, when=said, n=len(found)))
            else:
                self.say(
                    SEARCH_NONE.format(q=query)
                    if not when
                    else SEARCH_NONE_WHEN.format(q=query, when=said)
                )
            return self._idle()
        found = of_time
        if not words:
            header = TIME_FOUND.format(when=said[0].upper() + said[1:], n=len(found))
        elif when:
            header = SEARCH_FOUND_WHEN.format(q=query, when=said, n=len(found))
        else:
            header = SEARCH_FOUND.format(q=query, n=len(found))
        if len(found) == 1:
            return self.show(found[0], await self.number_of(found[0]))
        return self.choose(found, "open", header=header)

    # -- delete one ------------------------------------------------------------------------
    def ask_delete(self, entry: nb.Entry) -> Outcome:
        self.say(
            DELETE_ASK.format(
                kind=KIND_NL[entry.kind],
                when=_date(entry.created_at, self.tz),
                line=entry.first_line,
            ),
            [[Button(DELETE_YES, "nb:del-yes"), Button(DELETE_NO, "nb:del-no")]],
        )
        return self.out.then(
            nb.CONFIRM_DELETE, nb_pending={"op": "delete", "key": entry.key}, nb_choice=None
        )

    async def delete(self, confirmed: bool) -> Outcome:
        pending = self.call.data.get("nb_pending") or {}
        if self.call.state != nb.CONFIRM_DELETE or pending.get("op") != "delete":
            self.say(NOTHING_OPEN)
            return self._idle()
        if not confirmed:
            self.say(DELETE_KEPT)
            return self._idle()
        key = str(pending.get("key"))
        entry = next((e for e in await self.entries() if e.key == key), None)
        if entry is None or not await repo.delete_entry(self.session, self.user.id, key):
            self.say(NOT_FOUND)
            return self._idle()
        self._entries = None
        left = len(await self.entries())
        self.say(
            DELETED_ONE.format(
                when=_date(entry.created_at, self.tz),
                line=entry.first_line,
                left=LEFT.get(left, LEFT_MANY.format(n=left)),
            )
        )
        return self._idle(nb_open=None, nb_next=None)

    # -- write: a note, an addition, a correction -------------------------------------------
    async def write(self, op: str, key: str | None, body: str) -> Outcome:
        """Store a note, or add to or correct one entry; the text has passed the policy's
        client-data check (bot.core.conversation.Policy.notebook_write)."""
        body = body.strip()
        if not body:
            self.say(ASK_BODY[op])
            return self._idle()
        svc = self.svc
        if svc.settings.coach_env == "production" and not svc.cipher.enabled:
            self.say(texts.ENCRYPTION_REQUIRED)
            return self._idle()
        if kinds := client_data_in(svc, body):  # not through the policy (a Rasa server)
            self.say(texts.CLIENT_DATA_NOT_KEPT.format(kinds=", ".join(kinds)))
            return self._idle()
        now = svc.clock()
        if op == "note":
            note: Note = await repo.add_note(self.session, svc.cipher, self.user.id, body, now)
            self.say(NOTE_STORED)
            return self._idle(nb_open=f"n{note.id}")
        entry = next((e for e in await self.entries() if e.key == key), None)
        if entry is None:
            self.say(NOT_FOUND)
            return self._idle()
        if op == "add":
            stamp = ADDITION.format(date=_date(now, self.tz))
            new = f"{entry.text}\n\n{stamp} {body}" if entry.text != LOCKED else None
            reply = ADDED
        else:
            new, reply = body, REPLACED
        if new is None or not await repo.set_entry_text(
            self.session, svc.cipher, self.user.id, entry.key, new, now
        ):
            self.say(NOT_FOUND if new is not None else LOCKED)
            return self._idle()
        # the entry as it is now: the new text, or the part just added (as stored)
        shown = nb.first_line(body, REPLY_WIDTH)
        self.say(reply.format(when=_date(entry.created_at, self.tz), line=shown))
        return self._idle(nb_open=entry.key)

    # -- dispatch ---------------------------------------------------------------------------
    async def on_button(self, value: str) -> Outcome:
        op, _, arg = value.partition(":")
        if op == "more":
            return await self.listing(int(arg) if arg.isdigit() else 0, more=True)
        if op == "pick":
            if arg.isdigit():  # typed: the n-th of the choice
                choice = self.call.data.get("nb_choice") or []
                n = int(arg)
                arg = choice[n - 1] if 1 <= n <= len(choice) else ""
            return await self.pick(arg)
        if op == "del":
            entry = next((e for e in await self.entries() if e.key == arg), None)
            if entry is None:
                self.say(NOT_FOUND)
                return self._idle()
            return self.ask_delete(entry)
        if op in ("del-yes", "del-no"):
            return await self.delete(op == "del-yes")
        self.say(NOTHING_OPEN)
        return self._idle()

    async def on_ask(self, ask: nb.Ask) -> Outcome:
        if ask.op == "list":
            return await self.listing()
        if ask.op == "more":
            following = self.call.data.get("nb_next")
            return await self.listing(int(following) if following else 0, more=True)
        if ask.op == "search":
            return await self.search(ask.text, ask.ref.when)
        if ask.op == "note":
            return await self.write("note", None, ask.text)
        return await self.on_ref(ask.op, ask.ref, ask.text)


class ActionNotebook(CoachAction):
    action_name = "action_notebook"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        async with svc.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is None:
                return Outcome()
            book = Book(svc, session, user, call)
            if call.arg("nb"):
                return await book.on_button(str(call.arg("nb")))
            ask = nb.read_notebook(call.text)
            if ask is None and call.arg("checked") and call.text.strip():
                ask = nb.Ask("note", text=call.text)  # a cleaned note that no longer reads as one
            return await book.on_ask(ask or nb.Ask("list"))


class ActionListReflections(CoachAction):
    """`/mijnreflecties`, "mijn notities": the notebook's first page (or one guide part's)."""

    action_name = "action_list_reflections"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        async with svc.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is None:
                return Outcome()
            return await Book(svc, session, user, call).listing(theme=call.arg("theme"))


# -- "wat weet je van mij?" ------------------------------------------------------------------
class ActionAboutMe(CoachAction):
    action_name = "action_about_me"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        async with svc.transaction() as session:
            user = await session.get(User, call.user_id)
            if user is None:
                return Outcome()
            reflections = await repo.count_reflections(session, user.id)
            notes = await repo.count_notes(session, user.id)
            schedule = await session.get(PromptSchedule, user.id)
            onboarding = await session.get(Onboarding, user.id)
        if user.role is None and not reflections and not notes and schedule is None:
            return Outcome().say(ABOUT_NOTHING)
        tz = _tz(user, svc)
        lines = [
            ABOUT_HEADER,
            f"• Rol: {ROLE_NL.get(user.role or '', 'nog niet gekozen')}",
            f"• Tijdzone: {user.timezone}",
            f"• Sinds: {_date(user.created_at, tz)}",
            f"• {counted(reflections, notes).capitalize()}, versleuteld bewaard",
        ]
        if user.organisation:
            lines.append(f"• Organisatie: {user.organisation}")
        if schedule is not None:
            lines.append(f"• Dagelijkse vraag: {describe_row(schedule, user.timezone)}")
        if onboarding is not None:
            lines.append(f"• Onboarding: dag {onboarding.day} van 10")
        lines.append(
            "• Welke vragen en lessen je kreeg, zodat ik niet herhaal, en waar het gesprek is."
        )
        lines.append(ABOUT_FOOTER)
        return Outcome().say("\n".join(lines))


# -- patterns --------------------------------------------------------------------------------
async def pattern_lines(session: AsyncSession, svc: Services, uid: int, who: Audience) -> list[str]:
    """The patterns in the user's newest reflections, as lines; [] without an NLU (the
    coach's own, `Services.nlu`, set by the wiring)."""
    if svc.nlu is None:
        return []
    reflections = await repo.reflections_of(session, uid, limit=patterns.WINDOW)
    bodies = [t for t in (_decrypt(svc, r.text) for r in reflections) if t != LOCKED]
    nlu = svc.nlu()
    found = patterns.read(nlu.parse_many(bodies), svc.knowledge, nlu.thresholds.reject_below)
    return patterns.describe(found, svc.knowledge, who)


class ActionPatterns(CoachAction):
    action_name = "action_patterns"

    async def act(self, call: Call) -> Outcome:
        svc = self.services
        async with svc.transaction() as session:
            lines = await pattern_lines(session, svc, call.user_id, call.audience)
        return Outcome().say("\n".join(lines) if lines else NO_NLU)
