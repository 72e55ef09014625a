"""The recap a coach copies: built from the record, or as they edited it, in either form.

Markdown is the one recap (core/recap); the plain text for an email or a chat is its transform
(core/recap_text). An edit the coach made before copying is kept with the session and wins when
the same form is copied again; an edited Markdown recap also gives the text form. Whatever the
source, the text goes through the privacy filter on its way out: a `//` line typed into an
edited recap never reaches the client.
"""

from __future__ import annotations

from dataclasses import dataclass

from companion.core import recap as recap_core
from companion.core.models import RecapEdit, RecapFormat, SessionRecord
from companion.core.notes import client_text
from companion.core.recap import recap_filename
from companion.core.recap_text import plain_text
from companion.store import Store
from companion.store.records import load_session_record

SUFFIX: dict[RecapFormat, str] = {"markdown": ".md", "text": ".txt"}


@dataclass(frozen=True)
class Recap:
    """The recap of one session in one form, ready to copy or print."""

    text: str
    format: RecapFormat
    filename: str
    edited: bool
    """True when the coach's own wording (an edit) is what `text` holds."""
    record: SessionRecord
    editable: str
    """What an editor shows: the edit as typed (private lines kept, for the coach), or `text`."""


def built_recap(record: SessionRecord, form: RecapFormat) -> str:
    """The recap as built from the record, in FORM (no edit considered)."""
    markdown = recap_core.build_recap(record)
    return markdown if form == "markdown" else plain_text(markdown)


def _filename(record: SessionRecord, form: RecapFormat) -> str:
    return recap_filename(record).removesuffix(".md") + SUFFIX[form]


def session_recap(store: Store, session_id: int, form: RecapFormat) -> Recap:
    """The recap to copy: the coach's edit in FORM if any, else built (NotFound for a wrong id)."""
    record = load_session_record(store, session_id)
    edits = store.recap_edits(session_id)
    if form in edits:
        editable, edited = edits[form].text, True
    elif form == "text" and "markdown" in edits:
        editable, edited = plain_text(edits["markdown"].text), True
    else:
        editable, edited = built_recap(record, form), False
    text = client_text(editable).rstrip("\n") + "\n"
    return Recap(text, form, _filename(record, form), edited, record, editable)


def keep_edit(store: Store, session_id: int, form: RecapFormat, text: str) -> None:
    """Keep TEXT as the recap in FORM; the built text again when the edit changes nothing."""
    record = load_session_record(store, session_id)
    if text.rstrip("\n") == built_recap(record, form).rstrip("\n"):
        forget_edit(store, session_id, form)
        return
    store.save_recap_edit(RecapEdit(session_id=session_id, format=form, text=text))


def forget_edit(store: Store, session_id: int, form: RecapFormat | None = None) -> None:
    """Drop the coach's edit in FORM (both forms when None): the recap is built again."""
    store.drop_recap_edits(session_id, form)
