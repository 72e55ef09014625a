"""Snapshots of the live session screen at the smallest and a comfortable terminal size.

The clock is frozen (the app takes its "now" from a callable), the theme pinned and the cursor
steady, so the pictures only change when the screen does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import SamplePractice

from companion.core.models import Agreement
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.factory import ResumeSession, build_app
from companion.tui.screens.live import LiveScreen

START = datetime(2026, 11, 25, 14, 0, 0)
NOW = START + timedelta(minutes=23, seconds=12)

NOTES = """## Session agreement · 14:00
Wants a calm opening for Monday's meeting.

## Goal · 14:06
! Realises the first minute sets the tone
- [ ] Write the first three sentences
// sounded tired today
"""


def snapshot_app(store: Store, protocols: ProtocolLibrary, sample: SamplePractice) -> CompanionApp:
    earlier = sample.first_session
    store.save_session(
        earlier.model_copy(
            update={
                "started_at": datetime(2026, 11, 11, 14, 0),
                "ended_at": datetime(2026, 11, 11, 15, 0),
            }
        )
    )
    session = begin_session(store, protocols, sample.client.name, protocol_id="grow")
    assert session.id is not None
    session = store.save_session(
        session.model_copy(
            update={
                "started_at": START,
                "agreement": Agreement(
                    topic="Monday's team meeting",
                    desired_outcome="A plan for the opening",
                    measure_of_success="Can say the first three sentences",
                ),
            }
        )
    )
    grow = protocols.get("grow")
    store.enter_step(session.id, 0, grow.steps[0].id, START)
    store.enter_step(session.id, 1, grow.steps[1].id, START + timedelta(minutes=6))
    store.save_notes(session.id, NOTES)
    # Open since START on the test's clock, seen open until NOW (the heartbeat): no gap to ask.
    store.db.execute(
        "UPDATE session_periods SET opened_at = ?, last_seen_at = ? WHERE session_id = ?",
        [START.isoformat(), NOW.isoformat(), session.id],
    )
    app = build_app(ResumeSession(session.id), store, protocols, clock=lambda: NOW)
    app.theme = "textual-dark"
    return app


async def steady(pilot: Any) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    screen.notes.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_live_screen(
    snap_compare: Any,
    sample: SamplePractice,
    store: Store,
    protocols: ProtocolLibrary,
    size: tuple[int, int],
) -> None:
    app = snapshot_app(store, protocols, sample)
    assert snap_compare(app, terminal_size=size, run_before=steady)


def test_live_screen_with_sidebar_shown_at_80x24(
    snap_compare: Any, sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    app = snapshot_app(store, protocols, sample)
    assert snap_compare(app, terminal_size=(80, 24), press=["ctrl+t"], run_before=steady)
