"""The live session: protocol pane, notes, clock and sidebar, beside the video call.

The screen paints at once from what it was asked for (the client's name, the notes focused and
editable, empty panes), then opens the practice (a worker thread: pydantic, sqlite-utils, the
database, the protocols), resolves the session (the resume offer, or a new one) and fills itself
in. Whatever the coach typed meanwhile is kept, after the loaded notes.

The notes are the one thing that must never be lost. They are saved from a thread (the typing path
only sets a flag): at most AUTOSAVE_SECONDS after the first unsaved keystroke, on every step change,
before the closing screen and on exit. A failed save keeps the text, says so, and tries again.
Forms, the closing screen, the recap and the clipboard are imported when first used.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from companion.errors import CompanionError
from companion.notes import LEGEND, step_heading
from companion.terms import now
from companion.tui.widgets.clock import ClockReading, SessionClock, mmss
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.widgets.protocol_pane import ProtocolPane
from companion.tui.widgets.sidebar import ReviewList, Sidebar, SidebarData

if TYPE_CHECKING:  # loaded after the first paint (see LiveScreen._prepare)
    from companion.clipboard import CopyResult
    from companion.models import Action, Agreement, Client, Goal, Session, StepTiming
    from companion.protocols import Protocol
    from companion.store import Store
    from companion.tui.app import SessionStart
    from companion.tui.hold import SessionHold

AUTOSAVE_SECONDS = 0.75
"""Unsaved typing is written this long after its first keystroke (so a kill loses under 1 s)."""
RETRY_SECONDS = 3.0
"""After a failed save, try again this often while the text is still unsaved."""
NUDGE_MINUTES = 10
"""The default for when the clock starts nudging towards the closing steps."""
LEASE_RENEW_SECONDS = 10.0
"""How often the live screen renews its lease on the session and marks it as seen open."""
WIDE_ENOUGH_FOR_SIDEBAR = 100
"""Below this many columns the sidebar starts hidden (ctrl+t shows it)."""

# (title in the palette, help, action): every action of the screen under a plain name.
COMMANDS: list[tuple[str, str, str]] = [
    ("Next step", "Move to the protocol's next step (ctrl+n)", "next_step"),
    ("Previous step", "Go back one step (ctrl+o)", "previous_step"),
    ("Jump to step…", "Choose any step by number (ctrl+g)", "jump"),
    ("Set session agreement", "Topic, desired outcome, measure of success (f2)", "agreement"),
    ("Add action", "An action the client commits to (f4)", "add_action"),
    ("Add goal", "A SMARTE goal for the client (f5)", "add_goal"),
    ("Follow up earlier actions", "Mark them done, dropped or carried forward (ctrl+r)", "review"),
    ("Save notes now", "Write the notes to disk (ctrl+s; they autosave anyway)", "save_notes"),
    ("Copy recap", "Copy the draft recap for the client (f8)", "copy_recap"),
    ("End session", "Actions, scores, takeaways, next date; then the recap (f10)", "end_session"),
    ("Toggle sidebar", "Show or hide the engagement, goals and actions (ctrl+t)", "toggle_sidebar"),
    ("Show keys", "Every key of this screen (f1)", "show_keys"),
    ("Focus notes", "Back to typing (ctrl+l)", "focus_notes"),
]

REVIEW_COMMANDS: list[tuple[str, str, str]] = [
    ("Mark action done", "The highlighted earlier action (d)", "review('done')"),
    ("Mark action dropped", "The highlighted earlier action (x)", "review('dropped')"),
    ("Carry action forward", "Keep the highlighted action open (c)", "review('carried')"),
]


def _duration(gap: timedelta) -> str:
    """A gap as the coach reads it: '3 h 10 min', '2 days'."""
    minutes = int(gap.total_seconds() // 60)
    if minutes >= 2 * 24 * 60:
        return f"{minutes // (24 * 60)} days"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


class LiveCommands(Provider):
    """The live screen's actions in the command palette, and 'Step N: title' for each step."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        assert isinstance(screen, LiveScreen)
        if not screen.loaded:
            return []
        found = [(t, h, partial(screen.run_action, a)) for t, h, a in COMMANDS]
        if screen.review_list.highlighted_option is not None:
            found += [
                (t, h, partial(screen.review_list.run_action, a)) for t, h, a in REVIEW_COMMANDS
            ]
        for index, step in enumerate(screen.protocol.steps):
            found.append(
                (f"Step {index + 1}: {step.title}", step.purpose, partial(screen.go_to, index))
            )
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if not title.startswith("Step "):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class LiveScreen(Screen[None]):
    """One session in progress. Reads the store on open; writes through it on each change."""

    CSS_PATH: ClassVar[list[str]] = [  # type: ignore[misc]
        "../widgets/protocol_pane.tcss",
        "../widgets/sidebar.tcss",
        "live.tcss",
    ]
    COMMANDS = Screen.COMMANDS | {LiveCommands}
    AUTO_FOCUS = "#notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next_step", "Next step", priority=True),
        Binding("ctrl+o", "previous_step", "Prev", priority=True),
        Binding("f2", "agreement", "Agreement", priority=True),
        Binding("f4", "add_action", "Action", priority=True),
        Binding("f5", "add_goal", "Goal", priority=True),
        Binding("f10", "end_session", "End", priority=True),
        Binding("f1", "show_keys", "Keys", priority=True),
        Binding("ctrl+g", "jump", "Jump to step", priority=True, show=False),
        Binding("ctrl+r", "review", "Follow up actions", priority=True, show=False),
        Binding("ctrl+t,f3", "toggle_sidebar", "Sidebar", priority=True, show=False),
        Binding("ctrl+s", "save_notes", "Save", priority=True, show=False),
        Binding("f8", "copy_recap", "Copy recap", priority=True, show=False),
        Binding("ctrl+l", "focus_notes", "Notes", priority=True, show=False),
    ]

    ALWAYS_READY: ClassVar[frozenset[str]] = frozenset({"focus_notes", "show_keys"})
    """Actions that work before the session is loaded; the others wait for it."""
    READ_ONLY_READY: ClassVar[frozenset[str]] = frozenset(
        {"focus_notes", "show_keys", "toggle_sidebar", "copy_recap"}
    )
    """What a read-only view of a session open in another window still does."""

    def __init__(self, session_id: int | None = None, *, start: SessionStart | None = None) -> None:
        """Show session SESSION_ID, or the one START asks for (resumed or created once open)."""
        super().__init__()
        assert session_id is not None or start is not None
        self.session_id: int = session_id or 0
        self.start = start
        self.loaded = False
        """True once the session is read and shown; until then only the notes take input."""
        self._session_open = False  # the notes belong to a session: edits are saved
        self._opening = False
        self.session: Session
        self.protocol: Protocol
        self.client: Client
        self.timing: StepTiming | None = None
        self._dirty = False
        self._save_timer: Timer | None = None
        self._retry_timer: Timer | None = None
        self._generation = 0  # bumps on every edit; a save records the one it wrote
        self._saved_generation = 0
        self._write_lock = threading.Lock()
        self._failing = False
        self._nudged = False
        self._sidebar_choice: bool | None = None  # None: by the terminal's width
        self._notes_widget: NotesArea | None = None
        self._ticker: Timer | None = None
        self._heartbeat_timer: Timer | None = None
        self.hold: SessionHold | None = None
        """This window's lease on the session and the time it counts (once it is open)."""
        self.retired = False
        self.read_only = False
        """Shown, not written: the session is open for writing in another window."""

    # -- reading -----------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined,no-any-return]

    def clock(self) -> datetime:
        """The time now; the app may replace it (snapshot tests freeze it)."""
        clock: Callable[[], datetime] = getattr(self.app, "clock", now)
        return clock()

    @property
    def _autosave_seconds(self) -> float:
        return float(getattr(self.app, "autosave_seconds", AUTOSAVE_SECONDS))

    @property
    def nudge_minutes(self) -> int:
        return int(getattr(self.app, "nudge_minutes", NUDGE_MINUTES))

    @property
    def review_list(self) -> ReviewList:
        return self.query_one("#to-review", ReviewList)

    @property
    def notes(self) -> NotesArea:
        assert self._notes_widget is not None
        return self._notes_widget

    def _load(self) -> str:
        """The reads the filled-in screen needs; returns the notes text."""
        from companion.protocols import protocol_from_snapshot

        self.session = self.store.get_session(self.session_id)
        self.client = self.store.get_client(self.session.client_id)
        self.protocol = protocol_from_snapshot(self.session.protocol_snapshot)
        open_timings = [t for t in self.store.step_timings(self.session_id) if t.left_at is None]
        self.timing = open_timings[-1] if open_timings else None
        return self.store.get_notes(self.session_id).text

    def sidebar_data(self) -> SidebarData:
        store, session = self.store, self.session
        engagement = store.get_engagement(session.engagement_id) if session.engagement_id else None
        goals: list[tuple[Goal, int | None]] = []
        for goal in store.goals(session.client_id, status="active"):
            assert goal.id is not None
            last = store.last_score(goal.id)
            goals.append((goal, last.score if last else None))
        return SidebarData(
            session=session,
            engagement=engagement,
            session_number=store.session_number(session),
            goals=goals,
            to_review=store.actions_to_review(session),
            set_today=store.actions(session_id=self.session_id),
            previous=store.previous_session(session),
        )

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The frame, from the request alone: no database read before the first paint."""
        name = self.start.client_name if self.start is not None else ""
        with Horizontal(id="top-bar"):
            yield Static(Content.styled(name, "bold"), id="session-title")
            yield SessionClock(Content.styled("opening…", "dim"), id="clock")
        with Horizontal(id="body"):
            yield ProtocolPane(None, 0, id="protocol")
            self._notes_widget = NotesArea("", id="notes")
            yield self._notes_widget
            sidebar = Sidebar(id="sidebar")
            sidebar.border_title = "Engagement · goals · actions"
            yield sidebar
        yield Footer(compact=True)

    def _title(self) -> Content:
        started = f"{self.session.started_at:%a %d %b %H:%M}"
        return Content.assemble(
            (self.client.name, "bold"), (f" · {self.protocol.name} · {started}", "dim")
        )

    def on_mount(self) -> None:
        self.notes.cursor_blink = getattr(self.app, "cursor_blink", True)
        self._apply_sidebar()
        self.set_timer(0.5, self._open)  # in case the notes never show (a tiny terminal)

    @on(NotesArea.OnScreen)
    def _painted(self) -> None:
        self.call_after_refresh(self._open)  # once the frame with the notes is out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only:
            return action in self.READ_ONLY_READY  # False: not shown in the footer either
        return True if self.loaded or action in self.ALWAYS_READY else None

    def _open(self) -> None:
        if self._opening:
            return
        self._opening = True
        if getattr(self.app, "practice_open", True):
            self._resolve()  # the store is already open: a few reads, on the event loop
        else:
            self._prepare()

    @work(thread=True, exclusive=True, group="open")
    def _prepare(self) -> None:
        """Off the event loop, so typing echoes meanwhile: the imports, the database, protocols."""
        try:
            self.app.store  # type: ignore[attr-defined]  # noqa: B018 (opens it)
            self.app.protocols  # type: ignore[attr-defined]  # noqa: B018
        except CompanionError as error:
            self._call(self._give_up, str(error))
            return
        self._call(self._resolve)

    def _call(self, callback: Callable[..., object], *args: object) -> None:
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.app.call_from_thread(callback, *args)

    def _give_up(self, problem: str) -> None:
        """The session can't be opened: `start` ends in one line; elsewhere, back where we were."""
        give_up = getattr(self.app, "give_up", None)
        if len(self.app.screen_stack) <= 1 and give_up is not None:
            give_up(problem)
            return
        self.notify(problem, title="Session not opened", severity="error")
        if len(self.app.screen_stack) > 1:
            self.dismiss()

    def _resolve(self) -> None:
        """Which session: the one asked for, else the resume offer or a new one."""
        start = self.start
        if start is None:
            self.call_later(self._show, self.session_id)
            return
        app = self.app

        def begin() -> None:
            try:
                self.call_later(self._show, app.new_session(start))  # type: ignore[attr-defined]
            except CompanionError as error:
                self._give_up(str(error))

        def cancelled() -> None:
            # Escape on the resume offer quits, unless the coach has already typed: those words
            # start a new session rather than being lost.
            if self.notes.text.strip():
                begin()
            else:
                app.exit()

        try:
            app.offer_resume(  # type: ignore[attr-defined]
                start,
                resume=partial(self.call_later, self._show),
                begin=begin,
                cancelled=cancelled,
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

        hold = SessionHold(self.store, session_id, self.app.lease_token)  # type: ignore[attr-defined]
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
        from companion.tui.app import SessionStart

        try:
            start = self.start
            if start is None:
                busy = self.store.get_session(session_id)
                start = SessionStart(self.store.get_client(busy.client_id).name)
            self._show(self.app.new_session(start))  # type: ignore[attr-defined]
        except CompanionError as error:
            self._give_up(str(error))

    async def _fill(self, session_id: int, *, read_only: bool = False) -> None:
        """Fill the frame with session SESSION_ID, keeping anything typed meanwhile after it."""
        notes = self.notes
        try:
            self.session_id = session_id
            typed = notes.text  # from here to load_notes nothing awaits: no key slips between
            text = self._load()
            current = min(self.session.current_step, len(self.protocol.steps) - 1)
            data = self.sidebar_data()
        except CompanionError as error:
            self._give_up(str(error))
            return
        self.query_one("#session-title", Static).update(self._title())
        notes.load_notes(text)
        notes.move_cursor(notes.document.end)
        if read_only:
            await self._show_read_only(current, data)
            return
        self._session_open = True
        # A new session enters its first step (its heading first), then what was typed meanwhile.
        entered = self.timing is None and self._enter_step(current)
        if typed.strip():
            self._keep(typed)
        if entered or typed.strip():
            self.save_now()
        await self.query_one(ProtocolPane).show_protocol(self.protocol, current)
        await self.query_one(Sidebar).fill(data)
        self.loaded = True
        self._tick()
        self._ticker = self.set_interval(1.0, self._tick)
        self._heartbeat_timer = self.set_interval(LEASE_RENEW_SECONDS, self._heartbeat)
        self._show_save_state()
        self.refresh_bindings()
        self._mention_bad_protocol_files()

    def _mention_bad_protocol_files(self) -> None:
        """One quiet line when protocol files were skipped: not silent, not in the way."""
        skipped = len(self.app.protocols.errors)  # type: ignore[attr-defined]
        if skipped:
            self.notify(
                f"{skipped} protocol file(s) skipped: `companion protocols list` says why.",
                severity="warning",
                timeout=6,
            )

    async def _show_read_only(self, current: int, data: SidebarData) -> None:
        """Another window writes this session: show it, change nothing, save nothing."""
        from companion.tui.hold import SessionHold

        self.read_only = True
        self.hold = SessionHold(self.store, self.session_id, "")
        self.hold.read_periods()
        self.notes.read_only = True
        self.notes.border_title = "Notes · read-only: open in another window"
        await self.query_one(ProtocolPane).show_protocol(self.protocol, current)
        await self.query_one(Sidebar).fill(data)
        self.loaded = True
        self._tick()
        self._ticker = self.set_interval(1.0, self._tick)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="heartbeat")
    def _heartbeat(self) -> None:
        """Every few seconds, off the event loop: the lease renewed, the session seen open."""
        hold = self.hold
        if hold is None:
            return
        try:
            kept = hold.heartbeat(self.clock())
        except CompanionError:
            return  # a busy or full disk: the next beat tries again; the lease lasts 45 s
        if not kept:
            self._call(self._lease_lost)

    def _lease_lost(self) -> None:
        """This window was away so long that another one took the session: stop writing."""
        self.flush_notes()
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
        self._edited()

    def on_resize(self) -> None:
        self._apply_sidebar()

    def _apply_sidebar(self) -> None:
        shown = self._sidebar_choice
        if shown is None:
            shown = self.app.size.width >= WIDE_ENOUGH_FOR_SIDEBAR
        self.query_one(Sidebar).display = shown

    # -- the clock ---------------------------------------------------------------------------

    def _tick(self) -> None:
        at = self.clock()
        if self.hold is not None:
            elapsed = self.hold.elapsed(at, self.session.started_at)
        else:
            elapsed = (at - self.session.started_at).total_seconds()
        current = self.query_one(ProtocolPane).current
        reading = ClockReading(
            elapsed=elapsed,
            planned_minutes=self.session.planned_minutes,
            nudge_minutes=self.nudge_minutes,
            in_closing=current >= self.protocol.closing_index,
        )
        self.query_one(SessionClock).show(reading)
        if reading.nudge and not self._nudged:
            self._nudged = True
            self.notify(
                f"{mmss(reading.remaining)} left: time to move towards actions and the close.",
                title="Wrap up soon",
                timeout=8,
            )
        spent = (at - self.timing.entered_at).total_seconds() if self.timing else 0.0
        self.query_one(ProtocolPane).show_time(spent)

    # -- steps -------------------------------------------------------------------------------

    def go_to(self, index: int, *, force: bool = False) -> None:
        """Enter step INDEX: record the timing, add its heading to the notes, save the notes."""
        pane = self.query_one(ProtocolPane)
        if not 0 <= index < len(self.protocol.steps) or (index == pane.current and not force):
            return
        if not self._enter_step(index):
            return
        pane.show_step(index)
        self._tick()
        self.save_now()

    def _enter_step(self, index: int) -> bool:
        """Record entering step INDEX and add its heading to the notes; False if not recorded."""
        step = self.protocol.steps[index]
        at = self.clock()
        try:
            self.timing = self.store.enter_step(self.session_id, index, step.id, at)
        except CompanionError as error:
            self.notify(str(error), title="Step not recorded", severity="error")
            return False
        self.session = self.session.model_copy(update={"current_step": index})
        self.notes.append_heading(step_heading(step.title, at))
        return True

    def action_next_step(self) -> None:
        current = self.query_one(ProtocolPane).current
        if current + 1 >= len(self.protocol.steps):
            self.notify("This is the last step: f10 ends the session.")
            return
        self.go_to(current + 1)

    def action_previous_step(self) -> None:
        current = self.query_one(ProtocolPane).current
        if current > 0:
            self.go_to(current - 1)

    @on(ProtocolPane.StepChosen)
    def _step_chosen(self, event: ProtocolPane.StepChosen) -> None:
        self.go_to(event.index)
        self.action_focus_notes()

    def action_jump(self) -> None:
        def chosen(index: int | None) -> None:
            if index is not None:
                self.go_to(index)
            self.action_focus_notes()

        from companion.tui.screens.live_dialogs import StepPicker

        current = self.query_one(ProtocolPane).current
        self.app.push_screen(StepPicker(self.protocol, current), chosen)

    # -- notes -------------------------------------------------------------------------------

    @on(NotesArea.Edited)
    def _edited(self) -> None:
        # The typing path: a counter and, once per burst, a timer. No text is read here.
        if not self._session_open:
            return  # kept in the widget; _show saves it with the session
        self._generation += 1
        self._dirty = True
        if self._save_timer is None:
            self._save_timer = self.set_timer(self._autosave_seconds, self._autosave)
        self._show_save_state()

    def _autosave(self) -> None:
        self._save_timer = None
        if self._dirty:
            self.save_now()

    def save_now(self) -> None:
        """Write the notes from a thread; the text is read here, on the event loop."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        self._write(self.notes.text, self._generation)

    @work(thread=True, group="autosave")
    def _write(self, text: str, generation: int) -> None:
        problem = ""
        with self._write_lock:
            if generation < self._saved_generation:
                return  # a newer text is already on disk
            try:
                self.store.save_notes(self.session_id, text)
                self._saved_generation = generation
            except Exception as error:  # disk full, locked, gone: never lose the text
                problem = str(error) if isinstance(error, CompanionError) else type(error).__name__
        # Outside the lock: flush_notes may be holding it on the event loop, waiting for us.
        try:
            if problem:
                self.app.call_from_thread(self._save_failed, problem)
            else:
                self.app.call_from_thread(self._saved, generation)
        except RuntimeError:  # the app is closing; flush_notes saves on the way out
            pass

    def _saved(self, generation: int) -> None:
        if generation >= self._generation:
            self._dirty = False
        if self._failing:
            self._failing = False
            self.notify("The notes are saved again.", title="Notes saved")
        if self._retry_timer is not None:
            self._retry_timer.stop()
            self._retry_timer = None
        self._show_save_state()

    def _save_failed(self, problem: str) -> None:
        self._dirty = True
        if not self._failing:
            self._failing = True
            self.notify(
                f"The notes could not be saved ({problem}). They are kept here and saving is "
                "retried; do not close the app until this clears.",
                title="Notes NOT saved",
                severity="error",
                timeout=30,
            )
        if self._retry_timer is None:
            self._retry_timer = self.set_interval(RETRY_SECONDS, self._retry)
        self._show_save_state()

    def _retry(self) -> None:
        if self._dirty:
            self.save_now()

    def flush_notes(self) -> bool:
        """Save now and wait for it (leaving the screen, quitting): True when on disk."""
        if self._notes_widget is None or not self._session_open:
            return True
        with self._write_lock:
            if not self._dirty and self._saved_generation >= self._generation:
                return True
            try:
                self.store.save_notes(self.session_id, self._notes_widget.text)
            except Exception:
                self._save_failed("the database refused the write")
                return False
            self._saved_generation = self._generation
        self._saved(self._generation)
        return True

    def _show_save_state(self) -> None:
        notes = self.notes
        if self._failing:
            state = "NOT SAVED · retrying"
        elif self._dirty:
            state = "editing"
        else:
            state = "saved"
        notes.border_title = f"Notes · {state}"
        notes.set_class(self._failing, "-save-failed")

    def action_save_notes(self) -> None:
        self.save_now()
        self.notify("Notes saved.", timeout=2)

    def action_focus_notes(self) -> None:
        self.notes.focus()

    def on_unmount(self) -> None:
        self.flush_notes()
        self._release()

    def _release(self) -> None:
        """Free the session for another window, its time counted up to now."""
        hold, self.hold = self.hold, None
        if hold is not None and hold.held:
            with contextlib.suppress(CompanionError):
                hold.release(None if self.retired else self.clock())

    def retire(self) -> None:
        """The session is closed: stop the clock and the saving, and take no more keys.

        The first screen of `companion start` stays under the recap (it cannot be replaced), so
        it must stop acting as the live session: nothing it holds is unsaved (the close flushed).
        """
        self.flush_notes()
        timers = (self._ticker, self._save_timer, self._retry_timer, self._heartbeat_timer)
        for timer in timers:
            if timer is not None:
                timer.stop()
        self._ticker = self._save_timer = self._retry_timer = self._heartbeat_timer = None
        self._session_open = False
        self.loaded = False
        self.retired = True  # the close already counted the session's time
        self._release()

    # -- agreement, goals, actions ------------------------------------------------------------

    def refresh_sidebar(self) -> None:
        self.session = self.store.get_session(self.session_id)
        self.query_one(Sidebar).show(self.sidebar_data())

    def _after_form(self) -> None:
        self.action_focus_notes()

    def action_agreement(self) -> None:
        from companion.tui.screens.forms import AgreementForm

        def saved(agreement: Agreement | None) -> None:
            if agreement is not None:
                try:
                    session = self.store.get_session(self.session_id)
                    self.store.save_session(session.model_copy(update={"agreement": agreement}))
                except CompanionError as error:
                    self.notify(str(error), title="Agreement not saved", severity="error")
                self.refresh_sidebar()
            self._after_form()

        self.app.push_screen(AgreementForm(self.session.agreement), saved)

    def action_add_goal(self) -> None:
        from companion.tui.screens.forms import GoalForm, new_goal

        def saved(goal: Goal | None) -> None:
            if goal is not None:
                try:
                    self.store.save_goal(goal)
                except CompanionError as error:
                    self.notify(str(error), title="Goal not saved", severity="error")
                self.refresh_sidebar()
            self._after_form()

        draft = new_goal(self.session.client_id, self.session.engagement_id)
        self.app.push_screen(GoalForm(draft), saved)

    def action_add_action(self) -> None:
        from companion.tui.screens.forms import ActionForm, new_action

        def saved(action: Action | None) -> None:
            if action is not None:
                try:
                    self.store.save_action(
                        action.model_copy(
                            update={
                                "client_id": self.session.client_id,
                                "session_id": self.session_id,
                            }
                        )
                    )
                except CompanionError as error:
                    self.notify(str(error), title="Action not saved", severity="error")
                self.refresh_sidebar()
            self._after_form()

        goals = self.store.goals(self.session.client_id, status="active")
        draft = new_action(self.session.client_id, self.session_id)
        self.app.push_screen(ActionForm(draft, goals), saved)

    def action_review(self) -> None:
        reviews = self.review_list
        if not reviews.option_count:
            self.notify("No earlier actions are open.")
            return
        self._sidebar_choice = True
        self._apply_sidebar()
        reviews.focus()

    @on(ReviewList.Reviewed)
    def _reviewed(self, event: ReviewList.Reviewed) -> None:
        status = "open" if event.review == "carried" else event.review
        try:
            self.store.set_action_status(event.action_id, status, reviewed_in=self.session_id)
        except CompanionError as error:
            self.notify(str(error), title="Action not updated", severity="error")
        self.refresh_sidebar()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        self._sidebar_choice = not sidebar.display
        self._apply_sidebar()
        if not sidebar.display and sidebar.has_focus_within:
            self.action_focus_notes()

    def action_show_keys(self) -> None:
        from companion.tui.widgets.keys_help import KeysHelp

        keys: list[tuple[str, str]] = []
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            shown = " / ".join(
                self.app.get_key_display(Binding(k, "")) for k in binding.key.split(",")
            )
            title = next((t for t, _, a in COMMANDS if a == binding.action), binding.description)
            keys.append((shown, title))
        keys += [
            ("tab", "Next pane (steps, notes, sidebar)"),
            ("d / x / c", "On an earlier action: done / dropped / carried forward"),
            ("Enter", "On a step: jump to it"),
            ("ctrl+p", "Command palette: every action by name"),
            ("ctrl+q", "Quit (the notes are saved first)"),
        ]
        self.app.push_screen(KeysHelp(keys, LEGEND))

    # -- recap and the end -------------------------------------------------------------------

    def action_copy_recap(self) -> None:
        self.flush_notes()
        self._copy_draft_recap()

    @work(thread=True, exclusive=True, group="recap")
    def _copy_draft_recap(self) -> None:
        from companion.clipboard import copy_text
        from companion.recap import build_recap, recap_filename
        from companion.store.records import load_session_record

        try:
            record = load_session_record(self.store, self.session_id)
        except CompanionError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        result = copy_text(
            build_recap(record),
            osc52=lambda t: self.app.call_from_thread(self.app.copy_to_clipboard, t),
            filename=recap_filename(record),
        )
        self.app.call_from_thread(self._copied, result)

    def _copied(self, result: CopyResult) -> None:
        self.notify(
            result.message, title="Draft recap", severity="information" if result.ok else "error"
        )

    def action_end_session(self) -> None:
        from companion.tui.screens.closing import ClosingScreen

        if not self.flush_notes():
            self.notify(
                "The notes are not saved yet, so the session cannot be closed.",
                severity="error",
            )
            return

        def closed(done: bool | None) -> None:
            if done:
                from companion.tui.screens.live_dialogs import SessionClosed

                self.retire()
                # After the closing screen has fully gone: replacing this screen now would
                # happen while its dismissal is still being awaited.
                self.app.call_later(self.app.replace_screen, SessionClosed(self.session_id))
            else:
                self.action_focus_notes()

        self.app.push_screen(ClosingScreen(self.session_id), closed)
