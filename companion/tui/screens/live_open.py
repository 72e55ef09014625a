"""Opening the live session: the practice opened off the loop, the session resolved and held.

The screen paints at once from what it was asked for (the client's name, the notes focused and
editable, empty panes), then opens the practice (a worker thread: pydantic, sqlite-utils, the
database, the protocols), resolves the session (the resume offer, or a new one), takes its lease
(one window writes a session), settles a gap since it was last open, and fills itself in.
Whatever the coach typed meanwhile is kept, after the loaded notes. Notes set aside in a rescue
file when the practice last refused them are offered back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual import on
from textual.widgets import Static

from companion.core.errors import CompanionError
from companion.core.text import counted
from companion.services import heap
from companion.tui.host import from_worker
from companion.tui.screens.live_base import LiveBase
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.widgets.protocol_pane import ProtocolPane
from companion.tui.widgets.sidebar import Sidebar

if TYPE_CHECKING:
    from companion.core.models import Client, Lease, Session, StepTiming
    from companion.core.protocols import Protocol
    from companion.core.terms import SessionStart
    from companion.services.rescue import RescuedNotes
    from companion.store.views import SidebarView
    from companion.tui.hold import SessionHold
    from companion.tui.host import ResumeCandidate


def _duration(gap: timedelta) -> str:
    """A gap as the coach reads it: '3 h 10 min', '2 days'."""
    minutes = int(gap.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        return f"{minutes // (24 * 60)} days"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


@dataclass(frozen=True)
class Loaded:
    """What the filled-in live screen shows, read off the event loop."""

    session: Session
    client: Client
    protocol: Protocol
    """The protocol as used: its timeboxes scaled to the session's planned length."""
    scaled_from: int | None
    """The protocol's own length when its timeboxes were scaled, else None."""
    timing: StepTiming | None
    """The step timing still open (a resumed session), if any."""
    notes: str
    sidebar: SidebarView
    rescued: list[RescuedNotes]
    """Notes of this session set aside when the practice last refused them, newest first."""


class LiveOpening(LiveBase):
    """The opening part of the live screen, and its lease while open."""

    _opening = False

    @on(NotesArea.OnScreen)
    def _painted(self) -> None:
        self.call_after_refresh(self._open)  # once the frame with the notes is out

    def _open(self) -> None:
        if self._opening:
            return
        self._opening = True
        self._off_the_loop(self._prepare)

    # Every read and write of the opening runs in a worker thread (so typing echoes meanwhile
    # and nothing writes on the event loop); the loop only asks the coach and fills the frame.

    def _off_the_loop(self, job: Callable[..., None], *args: object) -> None:
        """Run JOB(*ARGS) in a worker thread; a refusal on the way ends the opening in words."""

        def run() -> None:
            try:
                job(*args)
            except CompanionError as error:
                self._call(self._give_up, str(error))

        self.run_worker(run, thread=True, group="open", name="opening")

    def _prepare(self) -> None:
        """(thread) The imports, the database, the protocols; then which session: a new one, or
        the offer to resume one left unfinished, or, when another window has it open, the offer
        to view it or begin another."""
        with heap.paused(not self.host.practice_open):  # the first opening imports them
            _ = self.host.store, self.host.protocols  # opens them
        start = self.start
        if start is None:
            self._show(self.session_id)
            return
        found = self.host.resume_candidate(start)
        if found is None:
            self._begin(start)
            return
        assert found.session.id is not None
        lease = self.store.live_lease(found.session.id, self.clock())
        if lease is not None and lease.token != self.host.lease_token:
            self._call(self._ask_busy, found.session.id, lease)  # no "resume?" it cannot do
        else:
            self._call(self._ask_resume, found)

    def _call(self, callback: Callable[..., object], *args: object) -> None:
        from_worker(self, callback, *args)

    def _give_up(self, problem: str) -> None:
        """The session can't be opened: `start` ends in one line; elsewhere, back where we were."""
        if len(self.app.screen_stack) <= 1:
            self.host.give_up(problem)
            return
        self.notify(problem, title="Session not opened", severity="error")
        self.dismiss()

    def _ask_resume(self, found: ResumeCandidate) -> None:
        """The client has an unfinished session: resume it, or begin a new one."""
        start = self.start
        assert start is not None

        def cancelled() -> None:
            # Escape on the resume offer goes back (`start`: quits), unless the coach has already
            # typed: those words start a new session rather than being lost.
            if self.notes.text.strip():
                self._off_the_loop(self._begin, start)
            elif len(self.app.screen_stack) <= 1:
                self.app.exit()
            else:
                self.dismiss()

        self.host.ask_resume(
            found,
            resume=partial(self._off_the_loop, self._show),
            begin=partial(self._off_the_loop, self._begin, start),
            cancelled=cancelled,
        )

    def _begin(self, start: SessionStart) -> None:
        """(thread) A new session as START asks."""
        self._show(self.host.new_session(start))

    def _show(self, session_id: int) -> None:
        """(thread) Open session SESSION_ID for writing: take its lease, settle a gap, fill.

        Held by another live window: offer to view it read-only or start a new session.
        """
        from companion.store.lease import SessionInUse
        from companion.tui.hold import SessionHold

        hold = SessionHold(self.store, session_id, self.host.lease_token)
        try:
            hold.take()
        except SessionInUse as busy:
            self._call(self._ask_busy, session_id, busy.lease)
            return
        self.hold = hold
        gap = hold.gap(self.clock())
        if gap is None:
            self._count_and_fill(session_id, True)  # a short gap (a crash mid-call) is coaching
        else:
            self._call(self._ask_gap, session_id, gap)

    def _ask_gap(self, session_id: int, gap: timedelta) -> None:
        from companion.tui.dialogs.live_dialogs import GapQuestion

        def answered(went_on: bool | None) -> None:
            self._off_the_loop(self._count_and_fill, session_id, bool(went_on))

        seen = self.clock() - gap
        self.app.push_screen(GapQuestion(f"{seen:%a %d %b %H:%M}", _duration(gap)), answered)

    def _count_and_fill(self, session_id: int, went_on: bool) -> None:
        """(thread) Count the session's time from now (the gap too if it WENT_ON), then fill."""
        assert self.hold is not None
        self.hold.count_from(self.clock(), went_on=went_on)
        self._read_and_fill(session_id)

    def _ask_busy(self, session_id: int, lease: Lease) -> None:
        from companion.tui.dialogs.live_dialogs import SessionBusy

        name = self.start.client_name if self.start is not None else "This client"
        where = (
            f"{name}'s session is open in another companion window (process {lease.pid} "
            f"on {lease.host}, since {lease.taken_at:%a %H:%M})"
        )
        typed = bool(self.notes.text.strip())
        self.app.push_screen(
            SessionBusy(where, can_view=not typed), partial(self._busy_answered, session_id)
        )

    def _busy_answered(self, session_id: int, choice: str | None) -> None:
        if choice == "view":
            self._off_the_loop(self._read_and_fill, session_id, True)
        elif choice == "new" or (choice is None and self.notes.text.strip()):
            self._off_the_loop(
                self._start_new, session_id
            )  # the words typed: a session of their own
        elif len(self.app.screen_stack) <= 1:
            self.app.exit()
        else:
            self.dismiss()

    def _start_new(self, session_id: int) -> None:
        """(thread) A new session for the client of busy session SESSION_ID."""
        from companion.core.terms import SessionStart

        start = self.start
        if start is None:
            busy = self.store.get_session(session_id)
            start = SessionStart(self.store.get_client(busy.client_id).name)
        self._begin(start)

    def _read_and_fill(self, session_id: int, read_only: bool = False) -> None:
        """(thread) The reads the filled-in screen needs, then the frame filled on the loop."""
        from companion.core.protocols import protocol_from_snapshot, scaled_to
        from companion.store.views import sidebar_view

        session = self.store.get_session(session_id)
        as_written = protocol_from_snapshot(session.protocol_snapshot)
        protocol = scaled_to(as_written, session.planned_minutes)
        loaded = Loaded(
            session=session,
            client=self.store.get_client(session.client_id),
            protocol=protocol,
            scaled_from=as_written.duration_minutes if protocol is not as_written else None,
            timing=next(
                (t for t in reversed(self.store.step_timings(session_id)) if t.left_at is None),
                None,
            ),
            notes=self.store.get_notes(session_id).text,
            sidebar=sidebar_view(self.store, session_id),
            rescued=self._rescues(session_id),
        )
        if read_only:
            from companion.tui.hold import SessionHold

            hold = SessionHold(self.store, session_id, "")
            hold.read_periods()
            self._call(self._fill, session_id, loaded, hold)
        else:
            self._call(self._fill, session_id, loaded, None)

    async def _fill(self, session_id: int, loaded: Loaded, viewing: SessionHold | None) -> None:
        """Fill the frame with session SESSION_ID as LOADED, keeping anything typed meanwhile
        after it; read-only (another window writes it) when VIEWING holds its time."""
        notes = self.notes
        self.session_id = session_id
        self.session, self.client = loaded.session, loaded.client
        self.protocol, self.timing = loaded.protocol, loaded.timing
        current = min(self.session.current_step, len(self.protocol.steps) - 1)
        typed = notes.text  # from here to load_notes nothing awaits: no key slips between
        self.query_one("#session-title", Static).update(self.title_line())
        notes.load_notes(loaded.notes)
        notes.move_cursor(notes.document.end)
        if viewing is not None:
            await self._show_read_only(current, loaded.sidebar, viewing)
            self._show_scaling(loaded.scaled_from)
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
        self._show_scaling(loaded.scaled_from)
        await self.query_one(Sidebar).fill(loaded.sidebar)
        self._filled()
        self.start_heartbeat()
        self._mention_bad_protocol_files()
        self._offer_rescue(loaded.notes, loaded.rescued)

    def _filled(self) -> None:
        """The frame shows the session: keys work, the clock runs; what it holds is here to
        stay, so no collector scans it (services/heap.py)."""
        self.loaded = True
        heap.settle()
        self.show_running()

    def _show_scaling(self, scaled_from: int | None) -> None:
        """Say on the protocol pane that its timeboxes were scaled, and from what length."""
        if scaled_from is not None:
            pane = self.query_one(ProtocolPane)
            pane.border_subtitle = f"scaled {scaled_from}→{self.session.planned_minutes} min"

    def _mention_bad_protocol_files(self) -> None:
        """One quiet line when protocol files were skipped: not silent, not in the way."""
        skipped = len(self.host.protocols.errors)
        if skipped:
            self.notify(
                f"{counted(skipped, 'protocol file')} skipped: "
                "`companion protocols list` says why.",
                severity="warning",
                timeout=6,
            )

    def _rescues(self, session_id: int) -> list[RescuedNotes]:
        """(thread) The rescue files of session SESSION_ID beside the practice."""
        from companion.services.rescue import find_rescues

        path = self.store.path
        return find_rescues(path, session_id) if path is not None else []

    def _offer_rescue(self, stored: str, found: list[RescuedNotes]) -> None:
        """Notes set aside when the practice last refused them: offer to bring them back."""
        from companion.services.rescue import discard_rescues
        from companion.tui.dialogs.live_dialogs import RescueOffer

        path = self.store.path
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

    async def _show_read_only(self, current: int, data: SidebarView, hold: SessionHold) -> None:
        """Another window writes this session: show it, change nothing, save nothing."""
        self.read_only = True
        self.hold = hold
        self.notes.read_only = True
        self.notes.border_title = "Notes · read-only: open in another window"
        await self.query_one(ProtocolPane).show_protocol(self.protocol, current)
        await self.query_one(Sidebar).fill(data)
        self._filled()

    def _keep(self, typed: str) -> None:
        """Put what the coach typed before the session was loaded after the loaded notes."""
        notes = self.notes
        end = notes.document.end
        before = "" if end == (0, 0) or notes.text.endswith("\n") else "\n"
        notes.insert(before + typed, end)
        notes.move_cursor(notes.document.end)
        notes.scroll_cursor_visible()
