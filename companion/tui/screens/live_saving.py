"""Saving the live session: the notes autosaved, every write off the event loop, faults shown.

The typing path only bumps a counter (Autosave); the notes are read once per burst and handed to
the SessionWriter, which writes them and every other change (a step, the agreement, a follow-up)
from a thread, in order. When the practice refuses a write (a full disk, a read-only file), the
change stays in memory and is retried, the notes also go to a rescue file, and a banner says
what is held and where. The save state is a reactive that the notes' border and the banner
watch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from textual import on
from textual.reactive import var
from textual.widgets import Static

from companion.tui import saving
from companion.tui.saving import Autosave, SaveReport, SessionWriter
from companion.tui.screens.live_base import LiveBase
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.writer_messages import Deliver, Reported

FLUSH_SECONDS = 2.0
"""How long leaving the screen waits for its writes."""

SaveState = Literal["saved", "editing", "writing", "failing"]
T = TypeVar("T")


class _RescueFile:
    """The rescue file of one session of one practice (see companion.services.rescue)."""

    def __init__(self, screen: LiveSaving) -> None:
        self._screen = screen

    def write(self, text: str) -> Any:
        from companion.services.rescue import write_rescue

        screen = self._screen
        if screen.store.path is None:
            raise OSError(0, "the practice is in memory only")
        return write_rescue(screen.store.path, screen.session_id, text, screen.clock())

    def discard(self) -> None:
        from companion.services.rescue import discard_rescues

        if self._screen.store.path is not None:
            discard_rescues(self._screen.store.path, self._screen.session_id)


def _title(state: SaveState) -> str:
    """The notes' border for STATE: editing and writing both read "saving…"."""
    shown = {"failing": "NOT SAVED · retrying", "saved": "saved"}.get(state, "saving…")
    return f"Notes · {shown}"


class LiveSaving(LiveBase):
    """The saving part of the live screen."""

    # `var`, not `reactive`: a reactive of the screen repaints the whole screen when it changes
    # (its watchers repaint what shows it); that was a full frame after each save and at the
    # first key after one, which the key typed then waited for.
    save_state: var[SaveState] = var("saved", init=False)
    """What the notes' border says: saved, editing (typing not yet handed over), writing, or
    failing (the practice refuses writes; the banner says more)."""
    report: var[SaveReport] = var(SaveReport("saved"), init=False, always_update=True)

    def start_saving(self) -> None:
        """The session is open for writing: its writer and autosave come to life."""
        self.writer = SessionWriter(
            save_notes=lambda text: self.store.save_notes(self.session_id, text),
            report=lambda report: self.post_message(Reported(report)),
            deliver=lambda callback: self.post_message(Deliver(callback)),
            run_in_thread=lambda drain: self.run_worker(
                drain, thread=True, group="writes", exit_on_error=False
            ),
            later=self.set_timer,
            rescue=_RescueFile(self),
        )
        self.autosave = Autosave(
            text=lambda: self.notes.text,
            writer=self.writer,
            later=self.set_timer,
            delay=self.host.autosave_seconds,
        )
        self.session_open = True
        self.watch_save_state(self.save_state)  # the border says so from the first frame

    def stop_saving(self) -> None:
        """Write what is held (waiting a bounded time), then no more writes from this screen."""
        self.flush_notes()
        if self.autosave is not None:
            self.autosave.stop()
        if self.writer is not None:
            self.writer.close()
        self.session_open = False

    # -- the notes ---------------------------------------------------------------------------

    @on(NotesArea.Edited)
    def _edited(self) -> None:
        # The typing path: a counter and, once per burst, a timer. No text is read here.
        if self.autosave is None or not self.session_open:
            return  # kept in the widget; live_open saves it with the session
        self.autosave.edited()
        if self.save_state == "saved":
            self.save_state = "editing"

    def save_now(self) -> None:
        """Hand the notes to the writer now (a step change, ctrl+s)."""
        if self.autosave is not None and self.session_open:
            self.autosave.save_now()

    def changed_notes(self) -> None:
        """The program changed the notes (a step heading, words kept): save them now."""
        if self.autosave is not None and self.session_open:
            self.autosave.edited()
            self.autosave.save_now()

    def record(
        self, label: str, write: Callable[[], T], then: Callable[[T], None] | None = None
    ) -> None:
        """Write a change (LABEL names it on the banner) in turn, off the event loop."""
        if self.writer is None or not self.session_open:
            self.notify(f"{label.capitalize()} was not recorded: the session is not open.")
            return
        self.writer.change(label, write, then)

    def flush_notes(self) -> bool:
        """Write everything held now and wait (leaving, quitting): True when all is written."""
        if self.writer is None or not self.session_open:
            return True
        self.save_now()
        written = self.writer.flush(FLUSH_SECONDS)
        self._show_state()
        return written

    @property
    def all_saved(self) -> bool:
        """Nothing typed or changed that is not in the practice."""
        if self.writer is None or self.autosave is None:
            return True
        return not self.autosave.unsaved and not self.writer.pending

    def set_aside(self) -> str:
        """Quitting with writes refused: the notes to the rescue file; where they are, in words."""
        if self.writer is None:
            return ""
        self.save_now()
        path = self.writer.set_aside()
        return f"The notes are in {path}." if path else "The notes could not be set aside."

    # -- what the writer reports -------------------------------------------------------------

    @on(Deliver)
    def _deliver(self, message: Deliver) -> None:
        message.callback()

    @on(Reported)
    def _reported(self, message: Reported) -> None:
        before = self.report
        self.report = message.report
        if message.report.dropped:
            self.notify(message.report.dropped, title="Not recorded", severity="error")
        if message.report.state == "failing" and before.state != "failing":
            self.notify(
                f"{message.report.problem.capitalize()}: nothing is lost; it is all kept here "
                "and saving is retried.",
                title="NOT SAVED",
                severity="error",
                timeout=15,
            )
        if message.report.state == "saved" and before.state == "failing":
            self.notify("Everything is saved again.", title="Saved")
        self._show_state()

    def _show_state(self) -> None:
        if self.writer is not None and self.writer.failing:
            self.save_state = "failing"
        elif self.autosave is not None and self.autosave.unsaved:
            self.save_state = "editing"
        elif self.writer is not None and self.writer.pending:
            self.save_state = "writing"
        else:
            self.save_state = "saved"

    def watch_save_state(self, state: SaveState) -> None:
        if self.read_only:
            return
        # Each change of the border repaints the whole notes pane. So typing not yet handed over
        # and a write under way read the same ("saving…"), and "saved" waits until the notes
        # have stayed saved a moment (SAVED_SIGN_SECONDS): while the coach types on, the border
        # keeps "saving…" rather than flickering twice per autosave.
        if self._saved_sign is not None:
            self._saved_sign.stop()
            self._saved_sign = None
        delay = saving.SAVED_SIGN_SECONDS
        if state == "saved" and delay > 0 and self.notes.border_title == _title("writing"):
            self._saved_sign = self.set_timer(delay, self._sign_saved)
        else:
            self._sign(state)
        self._show_banner()

    def _sign_saved(self) -> None:
        self._saved_sign = None
        if self.save_state == "saved":
            self._sign("saved")

    def _sign(self, state: SaveState) -> None:
        title = _title(state)
        if self.notes.border_title != title:
            self.notes.border_title = title
        self.notes.set_class(state == "failing", "-save-failed")

    def watch_report(self, report: SaveReport) -> None:
        self._show_banner()

    def _show_banner(self) -> None:
        found = self.query("#save-banner").results(Static)
        banner = next(found, None)
        if banner is None:
            return  # the screen is going
        report = self.report
        failing = self.save_state == "failing" and report.state == "failing"
        banner.display = failing
        if not failing:
            return
        if report.rescue is not None:
            kept = f"kept in this window, and the notes also in {report.rescue}"
        elif report.rescue_problem:
            kept = f"kept in this window only (no rescue file: {report.rescue_problem})"
        else:
            kept = "kept in this window"
        waiting = ", ".join(report.waiting) or "nothing"
        banner.update(
            f"NOT SAVED: {report.problem}. Everything is {kept}; saving is retried every few "
            f"seconds. Waiting: {waiting}. Free some space, then keep going; quitting asks first."
        )
