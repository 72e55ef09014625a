"""companion.core.dates: the one reader of dates and moments, for the shell and the forms."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from companion.core.dates import due_in_words, parse_date, parse_moment

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2027-03-01", date(2027, 3, 1)),
        (" today ", TODAY),
        ("Yesterday", date(2026, 12, 1)),
        ("tomorrow", date(2026, 12, 3)),
        ("+10d", date(2026, 12, 12)),
        ("+2w", date(2026, 12, 16)),
    ],
)
def test_dates_a_coach_types(text: str, day: date) -> None:
    assert parse_date(text, today=TODAY) == day


@pytest.mark.parametrize("text", ["01/03/2027", "2027-02-29", "next month", "", "+d", "fryday"])
def test_anything_else_is_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date: use YYYY-MM-DD"):
        parse_date(text, today=TODAY)


def test_the_refusal_says_every_form_taken_in_one_line() -> None:
    """The words are taken too, so the message says so; digit day/month is refused on purpose."""
    with pytest.raises(ValueError) as refused:
        parse_date("01/03/2027", today=TODAY)
    assert str(refused.value) == (
        "'01/03/2027' is not a date: use YYYY-MM-DD, e.g. 2026-12-16, or today, tomorrow, +7d, "
        "+2w or a weekday (01/03 could be either day or month)"
    )
    with pytest.raises(ValueError) as refused:
        parse_date("next month", today=TODAY)
    assert str(refused.value) == (
        "'next month' is not a date: use YYYY-MM-DD, e.g. 2026-12-16, or today, tomorrow, +7d, "
        "+2w or a weekday"
    )


def test_moments() -> None:
    assert parse_moment("2026-11-25 14:00") == datetime(2026, 11, 25, 14, 0)
    assert parse_moment("2026-11-25T09:30:15") == datetime(2026, 11, 25, 9, 30, 15)
    assert parse_moment("today 09:30", today=TODAY) == datetime(2026, 12, 2, 9, 30)
    for text in ("2026-11-25", "2026-11-25 25:00", "14:00", "2026-11-25 9:30"):
        with pytest.raises(ValueError, match="is not a date and time"):
            parse_moment(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("friday", date(2026, 12, 4)),  # TODAY is a Wednesday
        ("Fri", date(2026, 12, 4)),
        ("next Friday", date(2026, 12, 4)),
        ("wednesday", date(2026, 12, 9)),  # the next one, not today
        ("next week", date(2026, 12, 7)),  # its Monday
        ("in 3 days", date(2026, 12, 5)),
        ("in two weeks", date(2026, 12, 16)),
        ("15 Jan", date(2027, 1, 15)),  # without a year: the nearest 15 January
        ("15 nov", date(2026, 11, 15)),  # ... which may be past: a start date
        ("Jan 15", date(2027, 1, 15)),
        ("1st of March", date(2027, 3, 1)),
        ("2 december", TODAY),
        ("15 January 2028", date(2028, 1, 15)),
        ("sept 3", date(2026, 9, 3)),
    ],
)
def test_dates_in_words(text: str, day: date) -> None:
    assert parse_date(text, today=TODAY) == day


def test_a_day_the_calendar_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="not a day of the calendar"):
        parse_date("31 feb", today=TODAY)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Draft the 1:1 agenda by Friday", date(2026, 12, 4)),
        ("Send the summary tomorrow", date(2026, 12, 3)),
        ("Book the offsite next week", date(2026, 12, 7)),
        ("Finish the survey by 15 Jan.", date(2027, 1, 15)),
        ("Report to HR (due 2027-01-04)", date(2027, 1, 4)),
        ("Talk to Sam before Monday, then by Thursday the plan", date(2026, 12, 3)),
        ("Send CV to recruiter +7d", date(2026, 12, 9)),
        ("Book the follow-up by +2w.", date(2026, 12, 16)),
        ("Ask for the numbers (+3D)", date(2026, 12, 5)),
        ("Send it tmrw", date(2026, 12, 3)),
        ("Call +44 7700 900123 about the role", None),
        ("Turn the volume +10dB and C++ +5 points", None),
        ("Call May about the budget", None),
        ("Prepare the Monday meeting", None),
        ("Sunday walks with the team", None),
    ],
)
def test_the_due_date_in_an_actions_words(text: str, day: date | None) -> None:
    assert due_in_words(text, today=TODAY) == day


def test_moments_with_words() -> None:
    assert parse_moment("next friday 14:00", today=TODAY) == datetime(2026, 12, 4, 14, 0)


def test_a_moment_whose_day_fails_is_quoted_whole_with_its_format() -> None:
    """'2026-11-04 10:302026-11-04 11:00' (a time typed after the old one): the whole of it and
    the date-and-time format, not its day part and the date format."""
    typed = "2026-11-04 10:302026-11-04 11:00"
    with pytest.raises(ValueError) as caught:
        parse_moment(typed, today=date(2026, 11, 25))
    assert str(caught.value) == (
        f"{typed!r} is not a date and time: use 'YYYY-MM-DD HH:MM', e.g. '2026-11-25 14:00'"
    )
