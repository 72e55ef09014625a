"""Snapshots at 80x24, the size companion exists for (half a laptop screen beside the call):
the live screen on each built-in protocol's first step, and every dialog.

Frozen clock, pinned theme, no blinking cursors: the pictures change only when a screen does.
Update with --snapshot-update after a deliberate change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from review_practice import TODAY, build_review_practice
from test_review import RecordingApp, settle
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from companion.core.protocols import ProtocolLibrary, builtin_protocols_dir
from companion.services.practice import begin_session
from companion.services.rescue import RescuedNotes
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.dialogs.live_dialogs import (
    GapQuestion,
    QuitUnsaved,
    RescueOffer,
    ResumeOffer,
    SessionBusy,
)
from companion.tui.factory import OpenHome, Opening, OpenReview, ResumeSession, build_app
from companion.tui.widgets import review_format as fmt

SIZE = (80, 24)
START = datetime(2026, 11, 25, 14, 0, 0)
NOW = START + timedelta(minutes=3, seconds=12)
BUILT_IN = sorted(path.stem for path in builtin_protocols_dir().glob("*.toml"))

Step = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


def still(pilot: Pilot[Any]) -> None:
    """No cursor blinks in the picture."""
    pilot.app.cursor_blink = False  # type: ignore[attr-defined]
    for widget in pilot.app.screen.query("TextArea, Input").results():
        if isinstance(widget, TextArea | Input):
            widget.cursor_blink = False


def live_app(store: Store, protocols: ProtocolLibrary, protocol_id: str) -> CompanionApp:
    session = begin_session(store, protocols, "Ana Lopez", protocol_id=protocol_id)
    assert session.id is not None
    store.save_session(session.model_copy(update={"started_at": START}))
    store.enter_step(session.id, 0, protocols.get(protocol_id).steps[0].id, START)
    store.db.execute(
        "UPDATE session_periods SET opened_at = ?, last_seen_at = ? WHERE session_id = ?",
        [START.isoformat(), NOW.isoformat(), session.id],
    )
    app = build_app(ResumeSession(session.id), store, protocols, clock=lambda: NOW)
    app.theme = "textual-dark"
    app.cursor_blink = False
    return app


def then(*keys: str, push: Callable[[], Screen[Any]] | None = None) -> Step:
    """Wait for the screen, press KEYS (or PUSH a dialog), wait again, stop the cursors."""

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.cursor_blink = False  # type: ignore[attr-defined]
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if push is not None:
            pilot.app.push_screen(push())
            await settle(pilot)
        still(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("protocol_id", BUILT_IN)
def test_live_screen_on_the_first_step(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, protocol_id: str
) -> None:
    app = live_app(store, protocols, protocol_id)
    assert snap_compare(app, terminal_size=SIZE, run_before=then())


LIVE_DIALOGS: dict[str, Step] = {
    "agreement-form": then("f2"),
    "action-form": then("f4"),
    "goal-form": then("f5"),
    "step-picker": then("ctrl+g"),
    "keys-help": then("f1"),
    "gap-question": then(push=lambda: GapQuestion("14:00", "25 min")),
    "session-busy": then(
        push=lambda: SessionBusy("Ana Lopez's session is open in companion (pid 4242 on laptop)")
    ),
    "rescue-offer": then(
        push=lambda: RescueOffer(
            RescuedNotes(
                path=Path("/home/coach/.local/share/companion/rescue/session-1.md"),
                practice="/home/coach/.local/share/companion/companion.db",
                session_id=1,
                saved_at=START + timedelta(minutes=2),
                text="## Session agreement\nWants a calm start.\n",
            ),
            12,
        )
    ),
    "quit-unsaved": then(
        push=lambda: QuitUnsaved("The disk is full: the last notes are not saved yet.")
    ),
}


@pytest.mark.parametrize("dialog", sorted(LIVE_DIALOGS))
def test_live_dialogs(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, dialog: str
) -> None:
    app = live_app(store, protocols, "grow")
    assert snap_compare(app, terminal_size=SIZE, run_before=LIVE_DIALOGS[dialog])


def test_resume_offer(snap_compare: Any, store: Store, protocols: ProtocolLibrary) -> None:
    app = live_app(store, protocols, "grow")
    session = store.sessions()[0]
    push = then(push=lambda: ResumeOffer("Ana Lopez", session, "Session agreement"))
    assert snap_compare(app, terminal_size=SIZE, run_before=push)


def review_app(store: Store, protocols: ProtocolLibrary, opening: Opening) -> RecordingApp:
    build_review_practice(store, protocols)
    app = build_app(opening, store, protocols, app_class=RecordingApp)
    app.theme = "textual-dark"
    return app


OPEN_SESSION = ("enter", "down", "enter")  # Ana, her second session
REVIEW_DIALOGS: dict[str, Step] = {
    "recap-preview": then(*OPEN_SESSION, "v"),
    "session-editor": then(*OPEN_SESSION, "e"),
    "session-record-form": then(*OPEN_SESSION, "e", "f2"),
    "session-time-form": then(*OPEN_SESSION, "t"),
}


@pytest.mark.parametrize("dialog", sorted(REVIEW_DIALOGS))
def test_review_dialogs(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, dialog: str
) -> None:
    app = review_app(store, protocols, OpenReview())
    assert snap_compare(app, terminal_size=SIZE, run_before=REVIEW_DIALOGS[dialog])


@pytest.mark.parametrize("typed", ["Ana Lopes", "Dana Ito"], ids=["did-you-mean", "new"])
def test_new_client_question(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, typed: str
) -> None:
    app = review_app(store, protocols, OpenHome())
    keys = ["space" if ch == " " else ch for ch in typed]
    assert snap_compare(app, terminal_size=SIZE, run_before=then(*keys, "enter"))
