"""The companion Textual app: one App, a screen for each thing a coach does.

Screens are imported when first shown, so the first paint only pays for what it draws. The store
and the protocols may be given as functions that open them: `companion start` paints its screen
first and only then pays for pydantic, sqlite-utils and the database.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import select
import signal
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from rich.segment import Segment
from textual import events
from textual.app import App
from textual.filter import LineFilter
from textual.screen import Screen

from companion.core.terms import SessionStart, now
from companion.tui.keygate import KeyGate
from companion.tui.too_small import TooSmallCover

if TYPE_CHECKING:
    from textual.color import Color

    from companion.core.models import RecapFormat
    from companion.core.protocols import ProtocolLibrary
    from companion.store import Store
    from companion.tui.screens.closing import ClosingScreen
    from companion.tui.screens.live_saving import LiveSaving

StartWith = Literal["home", "review", "session"]
T = TypeVar("T")
Opener = Callable[[], T]
"""A function that opens the store (or loads the protocols) when first needed."""


def _input_pending() -> bool:
    """Whether the terminal holds keys the app has not read yet."""
    try:
        return bool(select.select([sys.__stdin__], [], [], 0)[0])
    except (OSError, ValueError, TypeError):
        return False


def crash_reports_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False)) / "crashes"


def crash_report(error: BaseException | None) -> str:
    """Where the error happened, with nothing of the records in it.

    The type of each exception in the chain and its stack (file, line, function, the line of
    code); never the local variables nor the exception's message, which can quote the data (a
    pydantic ValidationError shows the input, a KeyError the key).
    """
    import platform
    import traceback

    from textual import __version__ as textual_version

    from companion import __version__

    lines = [
        f"companion {__version__}, textual {textual_version}, "
        f"Python {platform.python_version()} on {platform.system()}",
        f"at {datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}",
        "Exception messages and local variables are left out: they could hold client data.",
        "",
    ]
    if error is None:
        return "\n".join([*lines, "(no exception was recorded)", ""])
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    for index, link in enumerate(reversed(chain)):
        if index:
            lines += ["", "During the above, another exception occurred:", ""]
        lines.append("Traceback (most recent call last):")
        stack = traceback.extract_tb(link.__traceback__)
        lines += [entry.rstrip("\n") for entry in traceback.format_list(stack)]
        kind = type(link)
        lines.append(f"{kind.__module__}.{kind.__qualname__}")
    return "\n".join(lines) + "\n"


def write_crash_report(error: BaseException | None) -> Path | None:
    """The crash report, saved for the coach alone (folder 0700, file 0600); None if it failed."""
    from companion.services.clipboard import save_private_file

    try:
        name = f"crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.txt"
        return save_private_file(crash_report(error), crash_reports_dir(), name)
    except Exception:
        return None


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


class CompanionApp(App[None]):
    TITLE = "companion"
    CSS_PATH = "app.tcss"

    def __init__(
        self,
        store: Store | Opener[Store],
        protocols: ProtocolLibrary | Opener[ProtocolLibrary],
        *,
        start_with: StartWith = "home",
        session_id: int | None = None,
        review_client_id: int | None = None,
        start: SessionStart | None = None,
        clock: Callable[[], datetime] = now,
        nudge_minutes: int = 10,
        autosave_seconds: float = 0.75,
    ) -> None:
        css_path: list[Path] | None = None
        if start_with == "session" and start is not None:
            # The live screen is the first screen (get_default_screen), whose own CSS_PATH
            # Textual does not read: its styles come with the app's.
            from companion.tui.screens.live import LiveScreen

            here = Path(inspect.getfile(LiveScreen)).parent
            css_path = [Path(__file__).parent / "app.tcss"]
            css_path += [(here / path).resolve() for path in LiveScreen.CSS_PATH]
        super().__init__(css_path=css_path)
        self._store = store
        self._protocols = protocols
        self._start_with = start_with
        self._session_id = session_id
        self._review_client_id = review_client_id
        self._start = start
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
        self._hanging_up: asyncio.Task[None] | None = None
        self._watchdog: threading.Timer | None = None
        self.key_gate = KeyGate(self, super().on_event)
        """Keys act in the order typed, even in a burst (see keygate)."""
        self.too_small = TooSmallCover(self)
        """Covers the screen while the terminal is smaller than the layout supports."""
        self.keymap: dict[str, str] = {}
        """The coach's own keys from config.toml (binding id -> keys), once read."""
        self.recap_format: RecapFormat = "markdown"
        """The form recaps are copied in (recap.format in config.toml), once read."""

    async def on_event(self, event: events.Event) -> None:
        if not await self.key_gate.take(event):
            await super().on_event(event)

    @property
    def store(self) -> Store:
        """The practice database, opened on first use (from a worker thread on `start`)."""
        if callable(self._store):
            self._store = self._store()
        return self._store

    @property
    def protocols(self) -> ProtocolLibrary:
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
        if self._start_with == "session" and self._start is not None:
            from companion.tui.screens.live import LiveScreen

            # The first screen itself, painted from the request alone; it then resolves the
            # session (the resume offer, or a new one).
            return LiveScreen(start=self._start)
        return super().get_default_screen()

    def on_mount(self) -> None:
        self._catch_hangups()
        self.too_small.attach()
        self.run_worker(self._read_keymap, thread=True, name="keymap", group="config")
        if self._start_with == "session" and self._session_id is not None:
            self.open_session(self._session_id)
        elif self._start_with == "session" and self._start is not None:
            pass  # the default screen (above)
        elif self._start_with == "review":
            self.open_review(self._review_client_id)
        else:
            self.open_home()

    def _read_keymap(self) -> None:
        """Read the coach's keymap (after the first paint) and apply it; a bad one is said."""
        from companion.services.config import ConfigError, config_path, load_config
        from companion.tui.keys import bindings_by_id

        try:
            config = load_config()
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
        """Show the live screen for a session (new or resumed)."""
        from companion.tui.screens.live import LiveScreen

        self.push_screen(LiveScreen(session_id))

    def start_session(self, start: SessionStart) -> None:
        """Create the session START asks for and show it live."""
        self.open_session(self.new_session(start))

    def new_session(self, start: SessionStart) -> int:
        """Create the session START asks for; its id."""
        from companion.services.practice import begin_session

        session = begin_session(self.store, self.protocols, start)
        assert session.id is not None
        return session.id

    def start_or_resume(self, start: SessionStart) -> None:
        """Open the client's unfinished session if the coach says so, else start a new one."""

        def begin() -> None:
            self.start_session(start)

        def cancelled() -> None:
            if len(self.screen_stack) <= 1:
                self.exit()  # nothing else to show: `start` was cancelled

        self.offer_resume(start, resume=self.open_session, begin=begin, cancelled=cancelled)

    def offer_resume(
        self,
        start: SessionStart,
        *,
        resume: Callable[[int], None],
        begin: Callable[[], None],
        cancelled: Callable[[], None],
    ) -> None:
        """If the client has an unfinished session, ask: RESUME it, BEGIN a new one, or neither."""
        client = self.store.find_client(start.client_name)
        unfinished = self.store.unfinished_sessions(client.id) if client and client.id else []
        if not unfinished or client is None:
            begin()
            return
        from companion.core.protocols import protocol_from_snapshot
        from companion.tui.screens.live_dialogs import ResumeOffer

        session = unfinished[0]
        try:
            steps = protocol_from_snapshot(session.protocol_snapshot).steps
            step_title = steps[min(session.current_step, len(steps) - 1)].title
        except ValueError:
            step_title = "?"

        def answered(choice: str | None) -> None:
            if choice == "resume":
                assert session.id is not None
                resume(session.id)
            elif choice == "new":
                begin()
            else:
                cancelled()

        self.push_screen(ResumeOffer(client.name, session, step_title), answered)

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

    def _sessions(self) -> list[LiveSaving]:
        from companion.tui.screens.live_saving import LiveSaving

        return [screen for screen in self.screen_stack if isinstance(screen, LiveSaving)]

    def _refused_closings(self) -> list[ClosingScreen]:
        """Closing screens whose close the practice refused: they hold what it did not store."""
        from companion.tui.screens.closing import ClosingScreen

        return [s for s in self.screen_stack if isinstance(s, ClosingScreen) and s.refused]

    def save_everything(self) -> bool:
        """Write what any open session holds, now (quitting, the terminal closing).

        Where the practice refuses it, the notes go to their rescue file; False then.
        """
        written = True
        for screen in self._sessions():
            if not screen.flush_notes():
                screen.set_aside()
                written = False
        return written

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), _NO_CONTROLS]

    def _fatal_error(self) -> None:
        """An unexpected error: save the notes, write a crash report, exit with a short message.

        Textual's own handler prints the traceback with show_locals=True: note text and record
        fields held in local variables would be shown on screen and on stderr. Here the coach
        sees one line, and the stack goes to a private file with nothing of the records in it
        (see crash_report).
        """
        from rich.text import Text

        error = sys.exc_info()[1] or self._exception
        try:
            ok = self.save_everything()
        except Exception:
            ok = False
        saved = (
            "your notes are saved"
            if ok
            else "the latest notes could not be saved to the practice (they are in a rescue file "
            "beside it, offered back at the next start)"
        )
        path = write_crash_report(error)
        where = (
            f"A crash report (no client data) is in {path}"
            if path is not None
            else "The crash report could not be written."
        )
        self.bell()
        self._exit_renderables.append(
            Text(f"companion hit an unexpected error; {saved}. {where}", style="bold")
        )
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        """Quit, saving every open session first; if the practice refuses, ask before leaving."""
        await self.key_gate.settled()
        unsaved = [screen for screen in self._sessions() if not screen.flush_notes()]
        closing = self._refused_closings()
        if not unsaved and not closing:
            self.leave()
            return
        from companion.tui.screens.live_dialogs import QuitUnsaved

        if unsaved:
            where = " ".join(screen.set_aside() for screen in unsaved)
            waiting = ", ".join(dict.fromkeys(w for s in unsaved for w in s.report.waiting))
            problem = unsaved[0].report.problem or "the practice refuses writes"
            message = (
                f"Not saved: {problem}. {where} If you quit now, these are lost from the "
                f"practice: {waiting or 'the latest changes'}."
            )
        else:
            message = (
                f"Not closed: {closing[0].refused}. {closing[0].set_aside()} If you quit now, "
                "the session stays open, its actions, scores, takeaways and next date not "
                "stored in the practice; stay to press ctrl+s again once it takes writes."
            )

        def answered(leave: bool | None) -> None:
            if leave:
                for screen in unsaved:
                    screen.set_aside()  # anything typed since the question
                self.leave()

        self.push_screen(QuitUnsaved(message), answered)

    def _catch_hangups(self) -> None:
        """SIGHUP (the terminal window closed) and SIGTERM save the session before exiting."""
        if self.is_headless or not hasattr(signal, "SIGHUP"):
            return  # Pilot tests run in the test's own process: leave its signals alone
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(signum, self._hang_up_soon, signum)

    def _hang_up_soon(self, signum: int) -> None:
        # A task of its own, not a message: the app's queue must go on delivering the keys
        # that were typed before the signal while this waits for them.
        if self._hanging_up is None:
            self._hanging_up = asyncio.create_task(self._hang_up(signum))

    async def _hang_up(self, signum: int) -> None:
        """Save, then leave; a terminal that is gone must not keep the process alive."""
        # Keys already written to the terminal are delivered first: wait (a bounded time) while
        # the input has unread bytes, then let the gate settle them where they belong.
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and _input_pending():
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)  # the driver's thread hands its last read to the app
        await self.key_gate.settled(with_app=True)
        self.save_everything()
        self.leave()

    def leave(self) -> None:
        """Exit, everything saved: and if Textual's shutdown hangs, end the process anyway.

        The shutdown writes to the terminal; with the window closing meanwhile (ctrl+q, then the
        window closed) that write can block for ever. `watchdog_cancel` (the command line, once
        the app has returned) stops the timer; an app under test (headless) starts none.
        """
        if not self.is_headless and self._watchdog is None:
            self._watchdog = threading.Timer(3.0, os._exit, args=(0,))
            self._watchdog.daemon = True
            self._watchdog.start()
        self.exit()

    def watchdog_cancel(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()

    def open_home(self) -> None:
        from companion.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def open_review(self, client_id: int | None = None) -> None:
        from companion.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(client_id=client_id))
