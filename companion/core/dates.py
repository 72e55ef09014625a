"""Dates and moments as a coach types them, for the shell commands and the forms alike: pure.

A date must mean one day only, so ISO dates (2027-03-01) and unambiguous words are taken: today,
yesterday, tomorrow, +10d, +2w, in 3 days, in 2 weeks, a weekday (friday, fri, next friday: the
next one after today), next week (its Monday), and a day with its month written out (15 Jan,
Jan 15, 15 January 2027: without a year, the nearest such day, ahead or past). Day/month orders in
digits (01/03/2027) are refused, since they read differently on either side of the Atlantic.
A moment is a date then HH:MM.

A small parser rather than a date library: `dateparser` (the one that reads such words) takes
longer to import than the closing screen takes to open, and guesses where a coach's dates must
mean one day; these few forms are the ones coaches write beside an action ("by Friday").
`due_in_words` finds such a date inside an action's text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from companion.core import terms

DATE_FORMAT = "YYYY-MM-DD"
DATE_HINT = "YYYY-MM-DD, or +7d, +2w, today"
"""What a date field or option takes, in a few words (the forms' placeholder, the CLI's help)."""
MOMENT_FORMAT = "%Y-%m-%d %H:%M"

# ASCII digits only, as for ids: `\d` would take '+٣d' for 3 days.
_ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_RELATIVE = re.compile(r"^\+\s*(?P<count>[0-9]{1,3})\s*(?P<unit>[dw])$")
_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tmrw": 1}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY = (
    r"(?P<weekday>(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_IN = re.compile(r"^in\s+(?P<count>[0-9]{1,3}|a|one|two|three)\s+(?P<unit>day|week)s?$")
_NEXT_WEEKDAY = re.compile(rf"^(?:next\s+|this\s+|on\s+)?{_WEEKDAY}$")
_DAY_MONTH = re.compile(
    rf"^(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})"
    r"(?:,?\s+(?P<year>[0-9]{4}))?$"
)
_MONTH_DAY = re.compile(
    rf"^(?P<month>{_MONTH})\s+(?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>[0-9]{{4}}))?$"
)
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3}
_DIGITS_DAY_MONTH = re.compile(r"^(?P<pair>[0-9]{1,2}([/.-])[0-9]{1,2})(?:\2[0-9]{2,4})?$")
"""01/03/2027 or 1.3: a day and a month in digits, refused since either may come first."""
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
    named = _named_day(cleaned, base)
    if named is not None:
        return named
    if _ISO.match(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:  # 2026-13-01: the shape of a date, but no such day
            raise ValueError(
                f"{text.strip()!r} is not a date: use {DATE_FORMAT}, and that is not a day of "
                "the calendar"
            ) from None
    example = f"{base + timedelta(days=14):%Y-%m-%d}"
    digits = _DIGITS_DAY_MONTH.match(cleaned)
    why = f" ({digits['pair']} could be either day or month)" if digits else ""
    raise ValueError(
        f"{text.strip()!r} is not a date: use {DATE_FORMAT}, e.g. {example}, or today, tomorrow, "
        f"+7d, +2w or a weekday{why}"
    )


def _month_number(word: str) -> int | None:
    word = word.rstrip(".")
    for number, name in enumerate(MONTHS, start=1):
        if (
            len(word) >= 3
            and name.startswith(word[:3])
            and (name.startswith(word) or word == "sept")
        ):
            return number
    return None


def _weekday_number(word: str) -> int:
    return next(n for n, name in enumerate(WEEKDAYS) if name.startswith(word[:3]))


def _named_day(cleaned: str, base: date) -> date | None:
    """The day words such as 'friday', 'next week', 'in 3 days' or '15 jan' name; None if none.

    ValueError for a day the calendar does not have ('31 feb')."""
    cleaned = " ".join(cleaned.split())
    if cleaned == "next week":
        return base + timedelta(days=7 - base.weekday())
    if (found := _IN.match(cleaned)) is not None:
        count = found["count"]
        number = _COUNTS[count] if count in _COUNTS else int(count)
        return base + timedelta(days=number * (7 if found["unit"] == "week" else 1))
    if (found := _NEXT_WEEKDAY.match(cleaned)) is not None:
        ahead = (_weekday_number(found["weekday"]) - base.weekday()) % 7
        return base + timedelta(days=ahead or 7)
    found = _DAY_MONTH.match(cleaned) or _MONTH_DAY.match(cleaned)
    if found is None:
        return None
    month = _month_number(found["month"])
    if month is None:
        return None
    day, year = int(found["day"]), found["year"]
    try:
        if year is not None:
            return date(int(year), month, day)
        candidates = [
            date(year, month, day)
            for year in (base.year - 1, base.year, base.year + 1)
            if _exists(year, month, day)
        ]
        if not candidates:
            raise ValueError
        return min(candidates, key=lambda day: (abs((day - base).days), day < base))
    except ValueError:
        raise ValueError(f"{cleaned!r} is not a day of the calendar") from None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_DUE = re.compile(
    r"(?:^|\s|\()(?P<lead>by|before|due|on|until|till)?\s*(?P<when>"
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|today|tomorrow|tmrw|next\s+week"
    r"|\+[0-9]{1,3}[dw]"  # as parse_date's +7d, written together: '+44 7700' is a phone
    r"|in\s+(?:[0-9]{1,3}|a|one|two|three)\s+(?:days?|weeks?)"
    rf"|(?:next\s+|this\s+)?{_WEEKDAY.replace('?P<weekday>', '?:')}"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+[0-9]{{4}})?"
    rf"|{_MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?(?:,?\s+[0-9]{{4}})?"
    r")(?=$|[\s.,;:!?)])",
    re.IGNORECASE,
)


def due_in_words(text: str, *, today: date | None = None) -> date | None:
    """The due date an action's own words give ('Draft the agenda by Friday'), or None.

    A date needs 'by', 'before', 'due', 'on', 'until' before it, or to be an ISO date, 'today',
    'tomorrow', 'next week', 'in N days' or '+7d' / '+2w' anywhere: 'Call May' or 'the Monday
    meeting' name no due date. The last such date in the text wins (the deadline usually closes
    the sentence). Each date found is read by parse_date, as the shell and the forms read it."""
    base = today or terms.today()
    found: date | None = None
    for match in _DUE.finditer(text):
        when = match["when"].lower()
        needs_lead = not (
            _ISO.match(when)
            or when in {"today", "tomorrow", "tmrw"}
            or when.startswith(("next week", "in ", "+"))
        )
        if needs_lead and match["lead"] is None:
            continue
        try:
            found = parse_date(when, today=base)
        except (ValueError, OverflowError):
            continue
    return found


def parse_moment(text: str, *, today: date | None = None) -> datetime:
    """A date as parse_date takes it, then HH:MM ('2026-11-25 14:00', 'today 09:30')."""
    stripped = text.strip()
    iso = re.match(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})T(.*)$", stripped)
    parts = [iso[1], iso[2]] if iso else stripped.rsplit(None, 1)
    day_text, clock = [*parts, "", ""][:2]
    moment: time | None = None
    if _CLOCK.match(clock):
        try:
            moment = time.fromisoformat(clock)
        except ValueError:
            moment = None
    example = f"{(today or terms.today()).isoformat()} 14:00"
    problem = f"{stripped!r} is not a date and time: use 'YYYY-MM-DD HH:MM', e.g. {example!r}"
    if moment is None:
        raise ValueError(problem)
    try:
        day = parse_date(day_text, today=today)
    except ValueError:  # all of what was typed, and the format this takes, not the day's alone
        raise ValueError(problem) from None
    return datetime.combine(day, moment)
