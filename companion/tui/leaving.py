"""Leaving the app: quitting, the terminal closing, an unexpected error; the notes saved first.

Every way out writes what the open sessions hold (or sets it aside in a rescue file when the
practice refuses), and none can leave the process hanging: a watchdog ends it if Textual's own
shutdown blocks. A crash shows one line and writes a report with nothing of the records in it.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App

if TYPE_CHECKING:
    from companion.tui.keygate import KeyGate
    from companion.tui.screens.closing import ClosingScreen
    from companion.tui.screens.live_saving import LiveSaving


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


class Leaving(App[None]):
    """The app's ways out (see the module); CompanionApp builds on it."""

    key_gate: KeyGate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hanging_up: asyncio.Task[None] | None = None
        self._watchdog: threading.Timer | None = None

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
        from companion.tui.dialogs.live_dialogs import QuitUnsaved

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
