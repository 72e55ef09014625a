"""Holding the live session: its lease renewed while open, lost to another window, released.

One window writes a session at a time (see tui/hold.py): the heartbeat renews this window's
lease and marks the session as seen open, off the event loop; a window that was away so long
that another took the session stops writing; leaving frees it, its time counted.
"""

from __future__ import annotations

import contextlib
import sqlite3

from textual import work
from textual.timer import Timer

from companion.core.errors import CompanionError
from companion.core.terms import LEASE_RENEW_SECONDS
from companion.tui.host import from_worker
from companion.tui.screens.live_base import LiveBase


class LiveHolding(LiveBase):
    """The live screen's hold on its session, from the first fill to the last write."""

    _heartbeat_timer: Timer | None = None

    def start_heartbeat(self) -> None:
        """The session is shown for writing: renew its lease every few seconds from now."""
        self._heartbeat_timer = self.set_interval(LEASE_RENEW_SECONDS, self._heartbeat)

    @work(thread=True, exclusive=True, group="heartbeat")
    def _heartbeat(self) -> None:
        """Every few seconds, off the event loop: the lease renewed, the session seen open."""
        hold = self.hold
        if hold is None:
            return
        try:
            kept = hold.heartbeat(self.clock())
        except (CompanionError, sqlite3.Error):
            return  # a busy or full disk: the next beat tries again; the lease lasts 45 s
        if not kept:
            from_worker(self, self._lease_lost)

    def _lease_lost(self) -> None:
        """This window was away so long that another one took the session: stop writing."""
        self.retire()
        self.read_only = True
        self.notes.read_only = True
        self.notes.border_title = "Notes · read-only: opened in another window"
        self.loaded = True
        self.refresh_bindings()
        self.notify(
            "Another window opened this session while this one was away; this window no "
            "longer writes to it. Its notes up to now are saved.",
            title="Session open elsewhere",
            severity="error",
            timeout=30,
        )

    def release(self) -> None:
        """Free the session for another window, its time counted up to now."""
        hold, self.hold = self.hold, None
        if hold is not None and hold.held:
            # A full disk: the lease then lapses by itself (its process is gone, or 45 s).
            with contextlib.suppress(CompanionError, sqlite3.Error):
                hold.release(None if self.retired else self.clock())

    def retire(self) -> None:
        """The session is closed: stop the clock and the saving, and take no more keys.

        The first screen of `companion start` stays under the recap (it cannot be replaced), so
        it must stop acting as the live session: nothing it holds is unsaved (the close flushed).
        """
        self.stop_saving()
        self.stop_running()
        if self._heartbeat_timer is not None:
            self._heartbeat_timer.stop()
            self._heartbeat_timer = None
        self.loaded = False
        self.retired = True  # the close already counted the session's time
        self.release()

    def on_unmount(self) -> None:
        self.stop_saving()
        self.release()
