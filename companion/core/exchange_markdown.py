"""One Markdown file per session, with YAML front matter, for a notes vault (Obsidian and alike).

Pure: a SessionRecord in, a file name and text out. The body is the session as the coach reads
it back (session_view.session_markdown). The front matter is written by hand, every string double
quoted and escaped, so no YAML library is needed and no text a coach typed can break it.

A copy for the client (`client_copy=True`) is made from recap.client_record, the session with
every text taken through companion.core.notes.client_text (the one privacy filter): no private line,
wherever it was typed (notes, names, engagement, agreement, goals, actions, takeaways), and the
body goes through client_text once more at the end. Its file name comes from the same record.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from companion.core.models import SessionRecord
from companion.core.notes import client_text
from companion.core.recap import client_record as client_record
from companion.core.session_view import session_markdown
from companion.core.text import dated_file_name, slug

FrontValue = str | int | float | bool | date | datetime | list[str] | None


def session_filename(record: SessionRecord, *, client_copy: bool = False) -> str:
    """'2026-11-25-ana-lopez-session-12.md': stable (the session id), sorts by date, ASCII.

    A client copy's file is named from the client's record (a private name never shows).
    """
    name = client_record(record).client.name if client_copy else record.client.name
    return dated_file_name(
        record.session.started_at.date(),
        name,
        f"client-{record.client.id}",
        f"session-{record.session.id}",
    )


# -- YAML by hand ------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (also valid JSON): quotes, backslashes, controls escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif unicodedata.category(char) == "Cc" or char in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def yaml_value(value: FrontValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "".join(f"\n  - {yaml_string(item)}" for item in value) or "[]"
    return yaml_string(value)


def front_matter(fields: dict[str, FrontValue]) -> str:
    """'---' fenced YAML: one `key: value` a line, lists as block sequences."""
    lines = ["---"]
    for key, value in fields.items():
        text = yaml_value(value)
        lines.append(f"{key}:{text}" if text.startswith("\n") else f"{key}: {text}")
    lines.append("---")
    return "\n".join(lines) + "\n"


# -- the session -------------------------------------------------------------------------------


def session_front_matter(
    record: SessionRecord, *, client_copy: bool = False
) -> dict[str, FrontValue]:
    session = record.session
    duration = session.duration_minutes
    engagement = record.engagement
    protocol_name = record.protocol.name if record.protocol else session.protocol_id
    tags = ["coaching", "companion", f"protocol/{slug(session.protocol_id) or 'other'}"]
    tags.append(f"client/{slug(record.client.name) or record.client.id}")
    return {
        "title": f"{record.client.name}, {session.started_at:%Y-%m-%d} ({protocol_name})",
        "client": record.client.name,
        "date": session.started_at.date(),
        "started": session.started_at,
        "ended": session.ended_at,
        "duration_minutes": None if duration is None else round(duration),
        "planned_minutes": session.planned_minutes,
        "protocol": session.protocol_id,
        "protocol_name": protocol_name,
        "mode": session.mode,
        "status": "finished" if session.is_finished else "unfinished",
        "session_id": session.id,
        "session_number": record.session_number,
        "sessions_planned": engagement.sessions_planned if engagement else None,
        "sponsor": engagement.sponsor_name or None if engagement else None,
        "agreement_topic": session.agreement.topic or None,
        "desired_outcome": session.agreement.desired_outcome or None,
        "measure_of_success": session.agreement.measure_of_success or None,
        "next_session": session.next_session_on,
        "client_copy": client_copy,
        "tags": tags,
    }


def session_document(record: SessionRecord, *, client_copy: bool = False) -> str:
    """The whole Markdown file: front matter, then the session (private lines kept by default)."""
    if client_copy:
        record = client_record(record)
    body = session_markdown(record, private=not client_copy)
    if client_copy:  # a last guard: no line that reads as private leaves, whatever its source
        body = client_text(body)
    return front_matter(session_front_matter(record, client_copy=client_copy)) + "\n" + body
