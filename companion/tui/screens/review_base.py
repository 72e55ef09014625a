"""What the review's screens share: the base screen, the search key, and cells shown as typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import (
    Header,
)

from companion.core.terms import SessionStart
from companion.tui.host import host
from companion.tui.widgets.review_commands import ScreenCommands

if TYPE_CHECKING:  # pydantic and the store load after the first paint, in the first read
    from companion.core.models import Client
    from companion.store import Store

SEARCH_DELAY = 0.25
"""Seconds of quiet typing before the search runs."""

BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

OVER_GRACE_SECONDS = 60
"""A step is flagged as over its timebox from one minute over: seconds are not worth a flag."""


def as_typed(value: str) -> Content:
    """Text shown as typed: never read as markup."""
    return Content(value)


class ReviewBase(Screen[None]):
    """What every level of the review shares: the stylesheet, the palette, back and search."""

    CSS_PATH = "review.tcss"
    COMMANDS = Screen.COMMANDS | {ScreenCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = BREAKPOINTS

    @property
    def store(self) -> Store:
        return host(self).store

    def compose_header(self) -> ComposeResult:
        yield Header()

    def action_back(self) -> None:
        self.dismiss()

    def start_next_session(self, client: Client) -> None:
        """Start the client's next session (the app first offers to resume one not finished,
        and asks about the engagement if it was closed)."""
        from companion.tui.dialogs.engagement_dialogs import start_asking

        start_asking(self, SessionStart(client.name))

    def action_search(self) -> None:
        """Back to the top of the review, with the cursor in the search box."""
        from companion.tui.screens.review import ReviewScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ReviewScreen):
                while self.app.screen is not screen:
                    self.app.pop_screen()
                screen.focus_search()
                return


def search_key(screen: str) -> Binding:
    """'/' searches every session, on each screen of the review (its id names the screen)."""
    return Binding(
        "slash",
        "search",
        "Search",
        key_display="/",
        tooltip="Search every session",
        id=f"{screen}.search",
    )
