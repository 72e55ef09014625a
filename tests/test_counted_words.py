"""Counts with their noun, an unfinished session and a closed engagement: one wording each."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from companion.cli.sessions import _cells
from companion.core.models import Engagement, Session
from companion.core.text import counted
from companion.tui.screens.review_timeline import contract_lines
from companion.tui.widgets import review_format as fmt


@pytest.mark.parametrize(
    ("count", "noun", "plural", "said"),
    [
        (0, "client", None, "0 clients"),
        (1, "client", None, "1 client"),
        (2, "session", None, "2 sessions"),
        (1, "match", "matches", "1 match"),
        (3, "match", "matches", "3 matches"),
    ],
)
def test_a_count_and_its_noun_agree(count: int, noun: str, plural: str | None, said: str) -> None:
    assert counted(count, noun, plural) == said


def test_an_unfinished_session_reads_the_same_in_the_review_and_the_shell() -> None:
    """Nothing here knows whether a window has it open: 'unfinished', as `companion sessions`."""
    session = Session(id=7, client_id=1, protocol_id="grow", started_at=datetime(2026, 12, 1, 10))
    assert fmt.minutes(session) == "unfinished"
    assert "unfinished" in _cells(session, "Ana Lopez")


def test_a_closed_engagement_reads_from_its_start_to_its_end() -> None:
    closed = Engagement(
        client_id=1, start_date=date(2026, 8, 5), end_date=date(2026, 11, 4), status="closed"
    )
    assert contract_lines(closed, 1)[0] == (
        "Closed · 2026-08-05 to 2026-11-04 · 1 session · paid · individual"
    )
    opened = Engagement(client_id=1, start_date=date(2026, 9, 1))
    assert contract_lines(opened, 2)[0] == "Open since 2026-09-01 · 2 sessions · paid · individual"
