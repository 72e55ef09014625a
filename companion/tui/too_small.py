"""A cover for a terminal smaller than the layout supports.

Below MIN_WIDTH x MIN_HEIGHT the panes squeeze to nothing (the notes pane one column wide, the
Footer cut off), so the coach would type into a pane they cannot see. The cover says so instead.
It takes no focus: keys typed while it shows still reach the notes, and growing the window takes
it away with the screen exactly as it was.
"""

from __future__ import annotations

from textual.app import App
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 50
MIN_HEIGHT = 14
"""The smallest terminal the live screen stays readable in (the notes at least 24 columns)."""


def is_too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def too_small_message(size: Size) -> str:
    return (
        f"Terminal too small (needs {MIN_WIDTH}x{MIN_HEIGHT}, now {size.width}x{size.height}).\n"
        "Make the window larger: nothing is lost, and what you type still goes to the notes."
    )


class TooSmall(Static):
    """Covers its screen while the terminal is too small (styles in app.tcss)."""

    can_focus = False


class TooSmallCover:
    """Keeps a TooSmall cover on the screen shown, visible exactly while the terminal is small.

    The app tells it when the terminal is resized and when another screen is shown; the app's
    `-too-small` class shows the cover (app.tcss), so every screen, dialogs included, gets one.
    """

    def __init__(self, app: App[object]) -> None:
        self.app = app

    def attach(self) -> None:
        self.app.screen_change_signal.subscribe(self.app, self._covered)
        self.refresh(self.app.size)

    def refresh(self, size: Size) -> None:
        small = is_too_small(size)
        self.app.set_class(small, "-too-small")
        if small:
            self._cover(self.app.screen, size)

    def _covered(self, screen: Screen[object]) -> None:
        self._cover(screen, self.app.size)

    def _cover(self, screen: Screen[object], size: Size) -> None:
        if not is_too_small(size):
            return
        covers = screen.query_children(TooSmall)
        if covers:
            covers.first().update(too_small_message(size))
        else:
            screen.mount(TooSmall(too_small_message(size)))
