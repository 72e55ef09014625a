"""How the home screen and the review browser put records into words. Pure functions, no I/O."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.content import Content

from companion.core import terms
from companion.core.notes import is_private
from companion.core.terms import clock as clock
from companion.core.text import session_length

if TYPE_CHECKING:  # the home screen paints before pydantic loads
    from companion.core.models import Action, Engagement, Session

PRIVATE_BADGE = "🔒 private"
HIGHLIGHT_STYLE = "bold $text-accent on $accent-muted"

_FENCE = re.compile(r"^\s*(```|~~~)")
_PREFIX_THEN_SLASHES = re.compile(r"^(?P<prefix>.*?)//\s?(?P<text>.*)$")


def table_cell(value: str) -> Text:
    """A DataTable cell shown as typed (a plain str there would be read as markup)."""
    return Text(value, no_wrap=True, overflow="ellipsis")


def today() -> date:
    """The day things are due against; tests replace it to keep snapshots stable."""
    return terms.today()


def day(value: date | datetime | None) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d}"


def day_and_time(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M}"


def minutes(session: Session) -> str:
    """'55 min', or 'unfinished': as `companion sessions` says it."""
    return session_length(session.duration_minutes)


def due_text(action: Action, on: date | None = None) -> str:
    """When an action is due, said the way a coach would: 'overdue 5 d', 'today', 'in 2 d'."""
    if action.due_on is None:
        return "no date"
    days = (action.due_on - (on or today())).days
    if action.status != "open":
        return day(action.due_on)
    if days < 0:
        return f"{day(action.due_on)} · overdue {-days} d"
    if days == 0:
        return f"{day(action.due_on)} · today"
    return f"{day(action.due_on)} · in {days} d"


def billing(engagement: Engagement) -> str:
    return "pro bono" if engagement.billing == "pro_bono" else "paid"


def engagement_format(engagement: Engagement) -> str:
    if engagement.format == "group":
        size = f" of {engagement.group_size}" if engagement.group_size else ""
        return f"group{size}"
    return "individual"


def highlight_snippet(snippet: str) -> Content:
    """A search snippet with each match (between [[ and ]]) highlighted, the rest as typed."""
    parts: list[str | tuple[str, str]] = []
    for index, piece in enumerate(re.split(r"\[\[|\]\]", snippet)):
        if piece:
            parts.append((piece, HIGHLIGHT_STYLE) if index % 2 else piece)
    return Content.assemble(*parts)


def notes_for_review(notes: str) -> str:
    """The notes as Markdown for the coach's own eyes: every private line kept, and marked.

    A private line on its own becomes a quote block of its own (styled as private in the .tcss);
    one inside a list or quote keeps its place and gets the badge in front of its text. Notes are
    typed line by line during a call, so each line keeps its own line (a Markdown hard break).
    """
    out: list[str] = []
    in_fence = False
    for line in notes.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(f"{line}   ({PRIVATE_BADGE})" if is_private(line) else line)
            continue
        if not is_private(line):
            out.append(f"{line}  " if line.strip() else line)
            continue
        match = _PREFIX_THEN_SLASHES.match(line)
        assert match is not None  # a private line always holds "//"
        prefix, text = match.group("prefix"), match.group("text")
        if prefix.strip():
            out.append(f"{prefix}*{PRIVATE_BADGE}:* {text}  ")
        else:
            out.extend(["", f"> *{PRIVATE_BADGE}:* {text}", ""])
    return "\n".join(out) + ("\n" if notes.endswith("\n") else "")
