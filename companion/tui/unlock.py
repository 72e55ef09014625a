"""Opening an encrypted practice from the app: the passphrase asked on screen, again if wrong.

The practice opens in a worker thread after the first paint (see screens/live_open.py); there
the store asks for the passphrase through `AppAsker`, which shows the Unlock screen on the event
loop and waits for the coach's answer. A wrong passphrase asks again; one that came from
$COMPANION_PASSPHRASE or the keyring is refused as on the command line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from companion.services import passphrase

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")
AGAIN = "That passphrase does not open it: try again."


class AppAsker:
    """Asks for a passphrase on APP's screen, from a worker thread (see services.passphrase)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.asked = 0
        self.problem = ""
        """Why the coach is asked again (the last passphrase typed did not open it)."""

    def __call__(self, path: Path, problem: str) -> str | None:
        from companion.tui.dialogs.unlock import Unlock

        if threading.current_thread() is threading.main_thread():
            return None  # the event loop itself cannot wait for the coach
        self.asked += 1
        answer: list[str | None] = []
        done = threading.Event()

        def answered(value: str | None) -> None:
            answer.append(value)
            done.set()

        def show() -> None:
            self.app.push_screen(Unlock(path, problem or self.problem), callback=answered)

        try:
            self.app.call_from_thread(show)
        except RuntimeError:  # the app is closing
            return None
        while not done.wait(0.1):
            if not self.app.is_running:
                return None
        return answer[0]


def open_unlocking(app: App[Any], opener: Callable[[], T]) -> T:
    """OPENER's result, any passphrase it needs asked on APP's screen (again while wrong)."""
    from companion.store.cipher import WrongPassphrase

    asker = AppAsker(app)
    before = passphrase.ask_with(asker)
    try:
        while True:
            asked = asker.asked
            try:
                return opener()
            except WrongPassphrase:
                if asker.asked == asked:  # not typed here ($COMPANION_PASSPHRASE, keyring)
                    raise
                asker.problem = AGAIN
    finally:
        passphrase.ask_with(before)
