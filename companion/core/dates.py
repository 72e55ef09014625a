"""Dates and moments as a coach types them, for the shell commands and the forms alike: pure.

A date must mean one day only, so ISO dates (2027-03-01) and a few unambiguous short forms are
taken (today, yesterday, tomorrow, +10d, +2w); day/month orders (01/03/2027) are refused, since
they read differently on either side of the Atlantic. A moment is a date then HH:MM.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from companion.core import terms

DATE_FORMAT = "YYYY-MM-DD"
MOMENT_FORMAT = "%Y-%m-%d %H:%M"

# ASCII digits only, as for ids: `\d` would take '+٣d' for 3 days.
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_RELATIVE = re.compile(r"^\+\s*(?P<count>[0-9]{1,3})\s*(?P<unit>[dw])$")
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_CLOCK = re.compile(r"^[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")


def parse_date(text: str, *, today: date | None = None) -> date:
    """The day TEXT names; ValueError with a message fit to show the coach otherwise."""
    cleaned = text.strip().lower()
    base = today or terms.today()
    if cleaned in _WORDS:
        return base + timedelta(days=_WORDS[cleaned])
    relative = _RELATIVE.match(cleaned)
    if relative is not None:
        days = int(relative["count"]) * (7 if relative["unit"] == "w" else 1)
        return base + timedelta(days=days)
    if _ISO.match(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:  # 2026-13-01: the shape of a date, but no such day
            raise ValueError(
                f"{text.strip()!r} is not a date: use {DATE_FORMAT}, and that is not a day of "
                "the calendar"
            ) from None
    example = f"{base + timedelta(days=14):%Y-%m-%d}"
    raise ValueError(f"{text.strip()!r} is not a date: use {DATE_FORMAT}, e.g. {example}")


def parse_moment(text: str, *, today: date | None = None) -> datetime:
    """A date as parse_date takes it, then HH:MM ('2026-11-25 14:00', 'today 09:30')."""
    parts = re.split(r"\s+|T(?=\d)", text.strip(), maxsplit=1)
    day_text, clock = [*parts, ""][:2]
    moment: time | None = None
    if _CLOCK.match(clock):
        try:
            moment = time.fromisoformat(clock)
        except ValueError:
            moment = None
    if moment is None:
        example = f"{(today or terms.today()).isoformat()} 14:00"
        raise ValueError(
            f"{text.strip()!r} is not a date and time: use 'YYYY-MM-DD HH:MM', e.g. {example!r}"
        )
    return datetime.combine(parse_date(day_text, today=today), moment)
