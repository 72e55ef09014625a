"""The companion Textual app: one App, a screen for each thing a coach does.

Screens are imported when first shown, so the first paint only pays for what it draws. The store
and the protocols may be given as functions that open them: `companion start` paints its screen
first and only then pays for pydantic, sqlite-utils and the database.
"""

from __future__ import annotations

import inspect
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.filter import LineFilter
from textual.screen import Screen

from companion.core.terms import SessionStart
from companion.services import heap
from companion.tui.dialogs import question
from companion.tui.host import ResumeCandidate
from companion.tui.keygate import KeyGate
from companion.tui.leaving import Leaving
from companion.tui.opening import Opening, OpenReview, ResumeSession, StartSession
from companion.tui.too_small import TooSmallCover

if TYPE_CHECKING:
    from textual.color import Color

    from companion.core.models import RecapFormat
    from companion.core.protocols import ProtocolLibrary
    from companion.store import Store

T = TypeVar("T")
Opener = Callable[[], T]
"""A function that opens the store (or loads the protocols) when first needed."""


class NoControlCharacters(LineFilter):
    """Every rendered line without control characters: stored text cannot drive the terminal.

    Textual passes ESC, BEL, DEL and C1 controls in a widget's text on to the terminal as they
    are (a note holding ESC [2J clears the screen, OSC 52 sets the clipboard). They take no
    cell, so deleting them leaves the layout as it was; the text itself is not touched.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        from companion.core.text import without_controls

        return [
            segment
            if segment.control
            else Segment(without_controls(segment.text), segment.style, segment.control)
            for segment in segments
        ]


_NO_CONTROLS = NoControlCharacters()


class CompanionApp(Leaving):
    TITLE = "companion"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(  # in the footers that have room for it (home's, the review's: keys_binding)
            "f1", "show_keys", "Keys", show=False, tooltip="Every key of this screen", id="app.keys"
        ),
    ]

    def __init__(
        self,
        store: Store | Opener[Store],
        protocols: ProtocolLibrary | Opener[ProtocolLibrary],
        *,
        opening: Opening,
        clock: Callable[[], datetime],
        nudge_minutes: int,
        autosave_seconds: float,
    ) -> None:
        """Built through tui.factory.build_app (the CLI and the tests), which holds the defaults."""
        css_path: list[Path] | None = None
        if isinstance(opening, StartSession):
            # The live screen is the first screen (get_default_screen), whose own CSS_PATH
            # Textual does not read: its styles come with the app's.
            from companion.tui.screens.live import LiveScreen

            here = Path(inspect.getfile(LiveScreen)).parent
            css_path = [Path(__file__).parent / "app.tcss"]
            css_path += [(here / path).resolve() for path in LiveScreen.CSS_PATH]
        super().__init__(css_path=css_path)
        self._store = store
        self._protocols = protocols
        self._open_once = threading.RLock()  # the store and the protocols open once
        self.opening: Opening = opening
        """What the app opens on (home, the review, a session to start or to resume)."""
        self.clock = clock
        """The time now for the live screen (tests freeze it)."""
        self.autosave_seconds = autosave_seconds
        """Unsaved typing is written this long after its first keystroke (tests shorten it)."""
        self.nudge_minutes = nudge_minutes
        """How many minutes before the end the clock nudges towards the closing steps."""
        self.failure: str | None = None
        """Why the app gave up (the database would not open): one line for the command line."""
        self.cursor_blink = True
        """Whether the notes' cursor blinks (snapshot tests stop it)."""
        self.lease_token = uuid.uuid4().hex
        """This window's name on the sessions it holds (see tui.hold)."""
        self.typed_pending = ""
        """Words typed into a question before a session opened, for its notes (keep_typed)."""
        self.key_gate = KeyGate(self, super().on_event)
        self._typed_before_screen: list[events.Key | events.Paste] | None = []
        """Keys read before the first screen took keys (None from then on)."""
        """Keys act in the order typed, even in a burst (see keygate)."""
        self.too_small = TooSmallCover(self)
        """Covers the screen while the terminal is smaller than the layout supports."""
        self.keymap: dict[str, str] = {}
        """The coach's own keys from config.toml (binding id -> keys), once read."""
        self.recap_format: RecapFormat = "markdown"
        """The form recaps are copied in (recap.format in config.toml), once read."""

    async def on_event(self, event: events.Event) -> None:
        from_terminal = isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded
        if from_terminal and self._typed_before_screen is not None:
            # Typed before the first screen is up and focused (the terminal held them since
            # the command was entered): Textual would drop them; given once it is.
            self._typed_before_screen.append(event)
            return
        if isinstance(event, events.Key) and event.is_printable and not event.is_forwarded:
            question.typing()  # a question coming up now waits for a pause (dialogs/question)
        if not await self.key_gate.take(event):
            await super().on_event(event)
        if isinstance(event, events.Compose):
            self.call_after_refresh(self._first_screen_up)

    async def _first_screen_up(self) -> None:
        """The first screen is mounted and painted: the keys typed before it, in order.

        An Enter typed before Textual took the terminal reads as ctrl+j: the terminal, still in
        its line mode, turned its CR into LF (ICRNL). It was an Enter."""
        held, self._typed_before_screen = self._typed_before_screen or [], None
        for typed in held:
            if isinstance(typed, events.Key) and typed.key == "ctrl+j":
                typed = events.Key("enter", "\r")
            await self.on_event(typed)

    @property
    def store(self) -> Store:
        """The practice database, opened on first use (from a worker thread after the first
        paint); once, whichever threads ask at the same time. An encrypted one's passphrase is
        asked on screen (tui/unlock.py)."""
        with self._open_once:
            if callable(self._store):
                from companion.tui.unlock import open_unlocking

                self._store = open_unlocking(self, self._store)
            return self._store

    @property
    def protocols(self) -> ProtocolLibrary:
        with self._open_once:
            if callable(self._protocols):
                self._protocols = self._protocols()
            return self._protocols

    @property
    def practice_open(self) -> bool:
        """True once the store and the protocols are at hand (reading them costs nothing more)."""
        return not callable(self._store) and not callable(self._protocols)

    def give_up(self, problem: str) -> None:
        """End the app with PROBLEM as one line on stderr and exit status 2 (see cli.live)."""
        self.failure = problem
        self.exit(return_code=2)

    def get_default_screen(self) -> Screen[Any]:
        if isinstance(self.opening, StartSession):
            from companion.tui.screens.live import LiveScreen

            # The first screen itself, painted from the request alone; it then resolves the
            # session (the resume offer, or a new one).
            return LiveScreen(start=self.opening.start)
        return super().get_default_screen()

    def on_mount(self) -> None:
        self._catch_hangups()
        self.too_small.attach()
        self.run_worker(self._read_keymap, thread=True, name="keymap", group="config")
        opening = self.opening
        if isinstance(opening, ResumeSession):
            self.open_session(opening.session_id)
        elif isinstance(opening, StartSession):
            pass  # the default screen (above)
        elif isinstance(opening, OpenReview):
            # Home and the review paint first; their first read (a worker thread) opens the
            # practice, asking an encrypted one's passphrase on screen.
            self.open_review(client_name=opening.client_name)
        else:
            self.open_home()

    def action_show_keys(self) -> None:
        """F1 on any screen (the live screen has its own, with more to say): the screen's keys
        and those of what has the focus, read from the bindings, the keymap applied."""
        from companion.tui.keys import key_rows
        from companion.tui.widgets.keys_help import KeysHelp

        screen = self.screen
        own = [b for cls in type(screen).__mro__ for b in vars(cls).get("BINDINGS", [])]
        active = [item.binding for item in screen.active_bindings.values()]
        by_id = {b.id: b for b in [*own, *active] if isinstance(b, Binding) and b.id}
        rows = list(dict.fromkeys(key_rows(self, by_id.values(), self.keymap)))  # F1 once
        rows += [
            ("ctrl+p", "Command palette: every action by name"),
            ("ctrl+q", "Quit"),
        ]
        self.push_screen(KeysHelp(rows))

    def _read_keymap(self) -> None:
        """Read the coach's keymap (after the first paint) and apply it; a bad one is said."""
        from companion.services.config import ConfigError, config_path, load_config
        from companion.tui.bindings import bindings_by_id

        try:
            config = load_config(sections=frozenset({"keymap", "recap"}))
        except ConfigError as error:
            self.call_from_thread(
                self._config_problem, f"{error}. The usual keys apply, and recaps copy as Markdown."
            )
            return
        self.recap_format = config.recap_format
        keymap = config.keymap
        if not keymap:
            return
        known = bindings_by_id()
        unknown = sorted(set(keymap) - set(known))
        if unknown:
            self.call_from_thread(
                self._config_problem,
                f"{config_path()}: keymap: no key is called {', '.join(unknown)} "
                "(F1 on each screen lists them); the others apply.",
            )
        self.call_from_thread(self._apply_keymap, {k: v for k, v in keymap.items() if k in known})

    def _apply_keymap(self, keymap: dict[str, str]) -> None:
        self.keymap = keymap
        self.set_keymap(keymap)

    def _config_problem(self, message: str) -> None:
        self.notify(message, title="Settings", severity="warning", timeout=12)

    def on_resize(self, event: events.Resize) -> None:
        self.too_small.refresh(event.size)

    # -- navigation: what screens ask the app to do ---------------------------------------

    def open_session(self, session_id: int) -> None:
        """Show the live screen for session SESSION_ID (an unfinished one, resumed)."""
        self._open_live(session_id)

    def start_or_resume(self, start: SessionStart) -> None:
        """Show the live screen for START (from home or a timeline): as for `companion start`,
        it offers the client's unfinished session if there is one, else begins a new one, in its
        worker (nothing writes on the event loop), and takes keys from the first frame."""
        self._open_live(start=start)

    def _open_live(
        self, session_id: int | None = None, *, start: SessionStart | None = None
    ) -> None:
        """Words typed into a question before the live screen opened (see keep_typed) begin
        its notes."""
        from companion.tui.screens.live import LiveScreen

        typed, self.typed_pending = self.typed_pending, ""
        self.push_screen(LiveScreen(session_id, start=start, typed=typed))

    def keep_typed(self, text: str) -> None:
        """Words typed into a question: into the notes of the live screen it was asked over,
        else kept for the next session opened (home asks before a new client)."""
        from companion.tui.screens.live import LiveScreen

        below = self.screen_stack[-2] if len(self.screen_stack) >= 2 else None
        if isinstance(below, LiveScreen):
            below.keep_typed(text)
        else:
            self.typed_pending += text

    def new_session(self, start: SessionStart) -> int:
        """(thread) Create the session START asks for; its id."""
        from companion.services.practice import begin_session

        session = begin_session(self.store, self.protocols, start)
        assert session.id is not None
        return session.id

    def resume_candidate(self, start: SessionStart) -> ResumeCandidate | None:
        """The client's latest unfinished session, to offer before starting another (reads only:
        safe from a worker thread)."""
        client = self.store.find_client(start.client_name)
        unfinished = self.store.unfinished_sessions(client.id) if client and client.id else []
        if not unfinished or client is None:
            return None
        from companion.core.protocols import protocol_from_snapshot

        session = unfinished[0]
        try:
            steps = protocol_from_snapshot(session.protocol_snapshot).steps
            step_title = steps[min(session.current_step, len(steps) - 1)].title
        except ValueError:
            step_title = "?"
        return ResumeCandidate(client.name, session, step_title)

    def ask_resume(
        self,
        found: ResumeCandidate,
        *,
        resume: Callable[[int], None],
        begin: Callable[[], None],
        cancelled: Callable[[], None],
    ) -> None:
        """Ask whether to RESUME the session FOUND, BEGIN a new one, or neither (cancelled)."""
        from companion.tui.dialogs.live_dialogs import ResumeOffer

        session_id = found.session.id
        assert session_id is not None

        def answered(choice: str | None) -> None:
            if choice == "resume":
                resume(session_id)
            elif choice == "new":
                begin()
            else:
                cancelled()

        self.push_screen(ResumeOffer(found.client_name, found.session, found.step_title), answered)

    def replace_screen(self, screen: Screen[Any]) -> None:
        """Put SCREEN in place of the current one, the first screen included.

        `switch_screen` cannot replace the first screen (the live screen of `companion start`):
        it was never pushed, so it has no result callback to pop and Textual raises IndexError.
        That screen stays underneath instead; it has retired (see LiveScreen.retire).
        """
        if len(self.screen_stack) <= 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def return_home(self) -> None:
        """Back to the home screen: the one underneath if there is one, else a new one."""
        from companion.tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen_stack[-1], HomeScreen):
                self.pop_screen()
        else:
            self.switch_screen(HomeScreen())
        # A session's screens are gone: once removed, what they left is collected (heap.tidy).
        self.set_timer(heap.TIDY_DELAY, heap.tidy)

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), _NO_CONTROLS]

    def open_home(self) -> None:
        from companion.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def open_review(self, client_id: int | None = None, client_name: str | None = None) -> None:
        """The review; on one client's timeline if CLIENT_ID or CLIENT_NAME is given (a name is
        looked up once the practice is open, so an encrypted one is unlocked on screen first)."""
        from companion.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(client_id=client_id, client_name=client_name))
