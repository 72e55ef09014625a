"""The companion Textual app: one App, a screen for each thing a coach does.

Screens are imported when first shown, so the first paint only pays for what it draws.
"""

from __future__ import annotations

from typing import Literal

from textual.app import App

from companion.models import SessionMode
from companion.practice import begin_session
from companion.protocols import ProtocolLibrary
from companion.store import Store

StartWith = Literal["home", "review", "session"]


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
    ) -> None:
        super().__init__()
        self.store = store
        self.protocols = protocols
        self._start_with = start_with
        self._session_id = session_id

    def on_mount(self) -> None:
        if self._start_with == "session" and self._session_id is not None:
            self.open_session(self._session_id)
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

    def open_home(self) -> None:
        from companion.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())

    def open_review(self, client_id: int | None = None) -> None:
        from companion.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(client_id=client_id))
