"""Snapshots of the closing screen at 80x24 and 120x40, and of the action form over it.

The practice has fixed dates, the theme is pinned and no cursor blinks, so the pictures only change
when the screen does; update them with --snapshot-update.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from test_closing import ClosingHost, build_closing_practice, settle, to_actions
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from companion.core.protocols import ProtocolLibrary
from companion.store import Store

SIZES = [(80, 24), (120, 40)]


def make_app(store: Store, protocols: ProtocolLibrary) -> ClosingHost:
    practice = build_closing_practice(store, protocols)
    assert practice.session.id is not None
    app = ClosingHost(store, protocols, practice.session.id)
    app.theme = "textual-dark"
    return app


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the data, go to the action list, press PRESSED, stop every cursor blinking."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await to_actions(pilot)  # the takeaways have the focus first
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea").results((Input, TextArea)):
            widget.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_closing_screen(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary, size: tuple[int, int]
) -> None:
    # One action removed (space), so the picture shows both a kept and a removed line.
    app = make_app(store, protocols)
    assert snap_compare(app, terminal_size=size, run_before=keys("down", "space", "up"))


def test_action_form_over_the_closing_screen(
    snap_compare: Any, store: Store, protocols: ProtocolLibrary
) -> None:
    app = make_app(store, protocols)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("enter"))
