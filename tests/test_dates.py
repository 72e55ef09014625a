"""companion.core.dates: the one reader of dates and moments, for the shell and the forms."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from companion.core.dates import parse_date, parse_moment

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


@pytest.mark.parametrize("text", ["01/03/2027", "2027-02-29", "next week", "", "+d"])
def test_anything_else_is_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date: use YYYY-MM-DD"):
        parse_date(text, today=TODAY)


def test_moments() -> None:
    assert parse_moment("2026-11-25 14:00") == datetime(2026, 11, 25, 14, 0)
    assert parse_moment("2026-11-25T09:30:15") == datetime(2026, 11, 25, 9, 30, 15)
    assert parse_moment("today 09:30", today=TODAY) == datetime(2026, 12, 2, 9, 30)
    for text in ("2026-11-25", "2026-11-25 25:00", "14:00", "2026-11-25 9:30"):
        with pytest.raises(ValueError, match="is not a date and time"):
            parse_moment(text, today=TODAY)
