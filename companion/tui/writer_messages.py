"""What a session's writer (tui/saving.py) hands the screen that owns it, as Textual messages.

The writer runs in a worker thread; these carry its reports and callbacks onto the screen's
own loop. Shared by the live screen and the review's editor pane, which save the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from companion.tui.saving import SaveReport


class Deliver(Message):
    """A writer's callback, to run on the screen's own loop."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__()
        self.callback = callback


class Reported(Message):
    """How the writes stand now (saved, waiting, refused)."""

    def __init__(self, report: SaveReport) -> None:
        super().__init__()
        self.report = report
