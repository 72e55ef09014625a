"""Snapshots of the review's timeline and session views, and of home, at 80x24 and 120x40.

Fixed dates in the data and a fixed "today" keep them stable; update with --snapshot-update.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from review_practice import TODAY, build_review_practice
from test_review import RecordingApp, settle
from textual.pilot import Pilot

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.factory import OpenHome, Opening, OpenReview, build_app
from companion.tui.widgets import review_format as fmt

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


def make_app(store: Store, protocols: ProtocolLibrary, opening: Opening) -> RecordingApp:
    build_review_practice(store, protocols)
    app = build_app(opening, store, protocols, app_class=RecordingApp)
    app.theme = "textual-dark"
    return app


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the data, press PRESSED (waiting for each screen's data), then wait again."""

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.cursor_blink = False  # type: ignore[attr-defined]
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_timeline(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, size: tuple[int, int]
) -> None:
    app = make_app(store, protocols, OpenReview())
    assert snap_compare(app, terminal_size=size, run_before=keys("enter"))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_session(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, size: tuple[int, int]
) -> None:
    app = make_app(store, protocols, OpenReview())
    assert snap_compare(app, terminal_size=size, run_before=keys("enter", "down", "enter"))


def test_search_hits(snap_compare: Any, store: Store, protocols: ProtocolLibrary) -> None:
    app = make_app(store, protocols, OpenReview())
    typed = keys("slash", *"meeting", "enter")
    assert snap_compare(app, terminal_size=(80, 24), run_before=typed)


def test_home(snap_compare: Any, store: Store, protocols: ProtocolLibrary) -> None:
    app = make_app(store, protocols, OpenHome())
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys())
