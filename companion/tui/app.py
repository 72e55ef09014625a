"""The companion Textual app: one App, a screen for each thing a coach does.

Screens are imported when first shown, so the first paint only pays for what it draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from textual.app import App

from companion.models import SessionMode, now
from companion.practice import begin_session
from companion.protocols import ProtocolLibrary
from companion.store import Store

StartWith = Literal["home", "review", "session"]


@dataclass(frozen=True)
class SessionStart:
    """What `companion start` asked for: resumed or created once the app is up."""

    client_name: str
    protocol_id: str | None = None
    minutes: int | None = None
    mode: SessionMode = "video"


class CompanionApp(App[None]):
    TITLE = "companion"
    CSS_PATH = "app.tcss"

    def __init__(
        self,
        store: Store,
        protocols: ProtocolLibrary,
        *,
        start_with: StartWith = "home",
        session_id: int | None = None,
        start: SessionStart | None = None,
        clock: Callable[[], datetime] = now,
        nudge_minutes: int = 10,
    ) -> None:
        super().__init__()
        self.store = store
        self.protocols = protocols
        self._start_with = start_with
        self._session_id = session_id
        self._start = start
        self.clock = clock
        """The time now for the live screen (tests freeze it)."""
        self.nudge_minutes = nudge_minutes
        """How many minutes before the end the clock nudges towards the closing steps."""

    def on_mount(self) -> None:
        if self._start_with == "session" and self._session_id is not None:
            self.open_session(self._session_id)
        elif self._start_with == "session" and self._start is not None:
            self.start_or_resume(self._start)
        elif self._start_with == "review":
            self.open_review()
        else:
            self.open_home()

    # -- navigation: what screens ask the app to do ---------------------------------------

    def open_session(self, session_id: int) -> None:
        """Show the live screen for a session (new or resumed)."""
        from companion.tui.screens.live import LiveScreen

        self.push_screen(LiveScreen(session_id))

    def start_session(
        self,
        client_name: str,
        *,
        protocol_id: str | None = None,
        minutes: int | None = None,
        mode: SessionMode = "video",
    ) -> None:
        session = begin_session(
            self.store,
            self.protocols,
            client_name,
            protocol_id=protocol_id,
            minutes=minutes,
            mode=mode,
        )
        assert session.id is not None
        self.open_session(session.id)

    def start_or_resume(self, start: SessionStart) -> None:
        """Open the client's unfinished session if the coach says so, else start a new one."""
        client = self.store.find_client(start.client_name)
        unfinished = self.store.unfinished_sessions(client.id) if client and client.id else []

        def begin() -> None:
            self.start_session(
                start.client_name,
                protocol_id=start.protocol_id,
                minutes=start.minutes,
                mode=start.mode,
            )

        if not unfinished or client is None:
            begin()
            return
        from companion.protocols import protocol_from_snapshot
        from companion.tui.screens.live import ResumeOffer

        session = unfinished[0]
        try:
            steps = protocol_from_snapshot(session.protocol_snapshot).steps
            step_title = steps[min(session.current_step, len(steps) - 1)].title
        except ValueError:
            step_title = "?"

        def answered(choice: str | None) -> None:
            if choice == "resume":
                assert session.id is not None
                self.open_session(session.id)
            elif choice == "new":
                begin()
            elif len(self.screen_stack) <= 1:
                self.exit()  # nothing else to show: `start` was cancelled

        self.push_screen(ResumeOffer(client.name, session, step_title), answered)

    def return_home(self) -> None:
        """Back to the home screen: the one underneath if there is one, else a new one."""
        from companion.tui.screens.home import HomeScreen

        if any(isinstance(screen, HomeScreen) for screen in self.screen_stack):
            while not isinstance(self.screen_stack[-1], HomeScreen):
                self.pop_screen()
        else:
            self.switch_screen(HomeScreen())

    async def action_quit(self) -> None:
        """Quit, saving the live notes on the way out (unmounting saves them too)."""
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_notes", None)
            if flush is not None:
                flush()
        self.exit()

    def open_home(self) -> None:
        from companion.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def open_review(self, client_id: int | None = None) -> None:
        from companion.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(client_id=client_id))
