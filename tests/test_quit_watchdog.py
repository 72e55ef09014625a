"""Quitting never hangs: once everything is saved, a stuck shutdown ends the process anyway.

Textual's shutdown writes to the terminal; when the window closes at the same moment that
write can block for ever (seen with ctrl+q on a practice of 50,000 sessions). `leave()` starts
a watchdog; the command line cancels it once the app has returned.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from test_live import Clock, live_app, new_session, settle_loaded, sync

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui import leaving as app_module
from companion.tui.app import CompanionApp


class FakeTimer:
    made: ClassVar[list[FakeTimer]] = []

    def __init__(self, seconds: float, function: Any, args: tuple[Any, ...] = ()) -> None:
        self.seconds, self.function, self.args = seconds, function, args
        self.started = self.cancelled = False
        self.daemon = False
        FakeTimer.made.append(self)

    def start(self) -> None:
        self.started = True

    def cancel(self) -> None:
        self.cancelled = True


@pytest.fixture
def timers(monkeypatch: pytest.MonkeyPatch) -> list[FakeTimer]:
    FakeTimer.made = []
    monkeypatch.setattr(app_module.threading, "Timer", FakeTimer)
    return FakeTimer.made


@sync
async def test_ctrl_q_in_a_terminal_starts_the_watchdog_and_the_cli_cancels_it(
    store: Store, protocols: ProtocolLibrary, timers: list[FakeTimer], monkeypatch: Any
) -> None:
    monkeypatch.setattr(CompanionApp, "is_headless", property(lambda self: False))
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    [watchdog] = [timer for timer in timers if timer.function is app_module.os._exit]
    assert watchdog.started and watchdog.daemon and watchdog.seconds == 3.0
    assert watchdog.args == (0,)
    app.watchdog_cancel()
    assert watchdog.cancelled


@sync
async def test_an_app_under_test_starts_no_watchdog(
    store: Store, protocols: ProtocolLibrary, timers: list[FakeTimer]
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not [timer for timer in timers if timer.function is app_module.os._exit]
