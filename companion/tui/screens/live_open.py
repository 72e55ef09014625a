"""Opening the live session: the practice opened off the loop, the session resolved and held.

The screen paints at once from what it was asked for (the client's name, the notes focused and
editable, empty panes), then opens the practice (a worker thread: pydantic, sqlite-utils, the
database, the protocols), resolves the session (the resume offer, or a new one), takes its lease
(one window writes a session), settles a gap since it was last open, and fills itself in.
Whatever the coach typed meanwhile is kept, after the loaded notes. Notes set aside in a rescue
file when the practice last refused them are offered back.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.timer import Timer
from textual.widgets import Static

from companion.core.errors import CompanionError
from companion.tui.screens.live_base import LiveBase
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.widgets.protocol_pane import ProtocolPane
from companion.tui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from companion.store.views import SidebarView

LEASE_RENEW_SECONDS = 10.0
"""How often the live screen renews its lease on the session and marks it as seen open."""


def _duration(gap: timedelta) -> str:
    """A gap as the coach reads it: '3 h 10 min', '2 days'."""
    minutes = int(gap.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        return f"{minutes // (24 * 60)} days"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


class LiveOpening(LiveBase):
    """The opening part of the live screen, and its lease while open."""

    _opening = False
    _heartbeat_timer: Timer | None = None

    @on(NotesArea.OnScreen)
    def _painted(self) -> None:
        self.call_after_refresh(self._open)  # once the frame with the notes is out

    def _open(self) -> None:
        if self._opening:
            return
        self._opening = True
        if self.host.practice_open:
            self._resolve()  # the store is already open: a few reads, on the event loop
        else:
            self._prepare()

    @work(thread=True, exclusive=True, group="open")
    def _prepare(self) -> None:
        """Off the event loop, so typing echoes meanwhile: the imports, the database, protocols."""
        try:
            _ = self.host.store, self.host.protocols  # opens them
        except CompanionError as error:
            self._call(self._give_up, str(error))
            return
        self._call(self._resolve)

    def _call(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.app.call_from_thread(callback, *args)

    def _give_up(self, problem: str) -> None:
        """The session can't be opened: `start` ends in one line; elsewhere, back where we were."""
        if len(self.app.screen_stack) <= 1:
            self.host.give_up(problem)
            return
        self.notify(problem, title="Session not opened", severity="error")
        self.dismiss()

    def _resolve(self) -> None:
        """Which session: the one asked for, else the resume offer or a new one."""
        start = self.start
        if start is None:
            self.call_later(self._show, self.session_id)
            return

        def begin() -> None:
            try:
                self.call_later(self._show, self.host.new_session(start))
            except CompanionError as error:
                self._give_up(str(error))

        def cancelled() -> None:
            # Escape on the resume offer quits, unless the coach has already typed: those words
            # start a new session rather than being lost.
            if self.notes.text.strip():
                begin()
            else:
                self.app.exit()

        try:
            self.host.offer_resume(
                start, resume=partial(self.call_later, self._show), begin=begin, cancelled=cancelled
            )
        except CompanionError as error:
            self._give_up(str(error))

    def _show(self, session_id: int) -> None:
        """Open session SESSION_ID for writing: take its lease, settle a gap, then fill the frame.

        Held by another live window: offer to view it read-only or start a new session.
        """
        from companion.store.lease import SessionInUse
        from companion.tui.hold import SessionHold
        from companion.tui.screens.live_dialogs import GapQuestion, SessionBusy

        hold = SessionHold(self.store, session_id, self.host.lease_token)
        try:
            hold.take()
            gap = hold.gap(self.clock())
        except SessionInUse as busy:
            lease = busy.lease
            name = self.start.client_name if self.start is not None else "This client"
            where = (
                f"{name}'s session is open in another companion window (process {lease.pid} "
                f"on {lease.host}, since {lease.taken_at:%a %H:%M})"
            )
            typed = bool(self.notes.text.strip())
            self.app.push_screen(
                SessionBusy(where, can_view=not typed), partial(self._busy_answered, session_id)
            )
            return
        except CompanionError as error:
            self._give_up(str(error))
            return
        self.hold = hold

        def answered(went_on: bool | None) -> None:
            hold.count_from(self.clock(), went_on=bool(went_on))
            self.call_later(self._fill, session_id)

        if gap is None:
            answered(True)  # a short gap (a crash mid-call, a restart) is coaching time
            return
        seen = self.clock() - gap
        self.app.push_screen(GapQuestion(f"{seen:%a %d %b %H:%M}", _duration(gap)), answered)

    def _busy_answered(self, session_id: int, choice: str | None) -> None:
        if choice == "view":
            self.call_later(self._fill, session_id, read_only=True)
        elif choice == "new" or (choice is None and self.notes.text.strip()):
            self._start_new(session_id)  # the words typed go into a session of their own
        elif len(self.app.screen_stack) <= 1:
            self.app.exit()
        else:
            self.dismiss()

    def _start_new(self, session_id: int) -> None:
        from companion.core.terms import SessionStart

        try:
            start = self.start
            if start is None:
                busy = self.store.get_session(session_id)
                start = SessionStart(self.store.get_client(busy.client_id).name)
            self._show(self.host.new_session(start))
        except CompanionError as error:
            self._give_up(str(error))

    def _load(self) -> tuple[str, SidebarView]:
        """The reads the filled-in screen needs: the notes text and the sidebar."""
        from companion.core.protocols import protocol_from_snapshot, scaled_to

        self.session = self.store.get_session(self.session_id)
        self.client = self.store.get_client(self.session.client_id)
        as_written = protocol_from_snapshot(self.session.protocol_snapshot)
        self.protocol = scaled_to(as_written, self.session.planned_minutes)
        self.scaled_from = as_written.duration_minutes if self.protocol is not as_written else None
        open_timings = [t for t in self.store.step_timings(self.session_id) if t.left_at is None]
        self.timing = open_timings[-1] if open_timings else None
        return self.store.get_notes(self.session_id).text, self.sidebar_data()

    async def _fill(self, session_id: int, *, read_only: bool = False) -> None:
        """Fill the frame with session SESSION_ID, keeping anything typed meanwhile after it."""
        notes = self.notes
        try:
            self.session_id = session_id
            typed = notes.text  # from here to load_notes nothing awaits: no key slips between
            text, data = self._load()
            current = min(self.session.current_step, len(self.protocol.steps) - 1)
        except CompanionError as error:
            self._give_up(str(error))
            return
        self.query_one("#session-title", Static).update(self.title_line())
        notes.load_notes(text)
        notes.move_cursor(notes.document.end)
        if read_only:
            await self._show_read_only(current, data)
            return
        self.start_saving()
        # A new session enters its first step (its heading first), then what was typed meanwhile.
        entered = self.timing is None
        if entered:
            self.enter_step(current)
        if typed.strip():
            self._keep(typed)
        if entered or typed.strip():
            self.changed_notes()  # saved at once: these words were typed before the load
        await self.query_one(ProtocolPane).show_protocol(self.protocol, current)
        self._show_scaling()
        await self.query_one(Sidebar).fill(data)
        self.loaded = True
        self.show_running()
        self._heartbeat_timer = self.set_interval(LEASE_RENEW_SECONDS, self._heartbeat)
        self._mention_bad_protocol_files()
        self._offer_rescue(text)

    scaled_from: int | None = None
    """The protocol's own length when `--minutes` scaled its timeboxes to the session's."""

    def _show_scaling(self) -> None:
        """Say on the protocol pane that its timeboxes were scaled, and from what."""
        if self.scaled_from is not None:
            self.query_one(
                ProtocolPane
            ).border_subtitle = f"scaled {self.scaled_from}→{self.session.planned_minutes} min"

    def _mention_bad_protocol_files(self) -> None:
        """One quiet line when protocol files were skipped: not silent, not in the way."""
        skipped = len(self.host.protocols.errors)
        if skipped:
            self.notify(
                f"{skipped} protocol file(s) skipped: `companion protocols list` says why.",
                severity="warning",
                timeout=6,
            )

    def _offer_rescue(self, stored: str) -> None:
        """Notes set aside when the practice last refused them: offer to bring them back."""
        from companion.services.rescue import discard_rescues, find_rescues
        from companion.tui.screens.live_dialogs import RescueOffer

        path = self.store.path
        found = find_rescues(path, self.session_id) if path is not None else []
        if not found or path is None:
            return
        rescued = found[0]
        if rescued.text == stored:
            discard_rescues(path, self.session_id)  # the practice got them after all
            return

        def answered(choice: str | None) -> None:
            if choice == "restore":
                typed_here = self.notes.text
                extra = typed_here[len(stored) :] if typed_here.startswith(stored) else ""
                self.notes.load_notes(rescued.text + extra)
                self.notes.move_cursor(self.notes.document.end)
                if self.writer is not None:
                    self.writer.restoring(rescued.path)
                self.changed_notes()
                self.notify("The notes set aside are back, and saved.", title="Notes restored")
            elif choice == "discard":
                discard_rescues(path, self.session_id)
            self.action_focus_notes()

        self.app.push_screen(RescueOffer(rescued, len(stored)), answered)

    async def _show_read_only(self, current: int, data: SidebarView) -> None:
        """Another window writes this session: show it, change nothing, save nothing."""
        from companion.tui.hold import SessionHold

        self.read_only = True
        self.hold = SessionHold(self.store, self.session_id, "")
        self.hold.read_periods()
        self.notes.read_only = True
        self.notes.border_title = "Notes · read-only: open in another window"
        await self.query_one(ProtocolPane).show_protocol(self.protocol, current)
        self._show_scaling()
        await self.query_one(Sidebar).fill(data)
        self.loaded = True
        self.show_running()

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
            self._call(self._lease_lost)

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

    def _keep(self, typed: str) -> None:
        """Put what the coach typed before the session was loaded after the loaded notes."""
        notes = self.notes
        end = notes.document.end
        before = "" if end == (0, 0) or notes.text.endswith("\n") else "\n"
        notes.insert(before + typed, end)
        notes.move_cursor(notes.document.end)
        notes.scroll_cursor_visible()

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
