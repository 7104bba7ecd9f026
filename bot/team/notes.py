"""Where a saved agenda goes. The notebook (issue 16) is not on this branch: until the lead
points `use_note_store` at its note storage, saving honestly reports that it cannot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

# (session, user_id, title, markdown) -> None; stores the agenda as a note: the title as its
# first line (the listing reads it), then the Markdown body, which has no title of its own
NoteStore = Callable[[AsyncSession, int, str, str], Awaitable[None]]
# (session, user_id) -> titles of the user's stored agendas, newest first
NoteList = Callable[[AsyncSession, int], Awaitable[list[str]]]

_store: NoteStore | None = None
_list: NoteList | None = None


def use_note_store(store: NoteStore | None, listing: NoteList | None = None) -> None:
    """Called once by the wiring when a notebook exists (the merge of #16)."""
    global _store, _list
    _store, _list = store, listing


def note_store() -> NoteStore | None:
    return _store


def note_list() -> NoteList | None:
    return _list
