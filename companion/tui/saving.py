"""Saving the live session: every write off the event loop, in order; refused ones kept, retried.

Two parts, neither of them knows Textual, so both are tested without it:

- `SessionWriter` owns one thread that performs the screen's writes in the order they were asked
  for (a step entered, the agreement, an action, a follow-up mark, the notes). A write the
  practice refuses for a passing reason (a full disk, a read-only file, a lock held too long)
  stays at the head of the queue and is tried again every `retry_seconds`; meanwhile the notes
  also go to a rescue file. A write refused for good (a record that no longer exists) is dropped
  and said so, so it cannot hold the notes back. Each change of state is reported as a
  `SaveReport` through a callback that must not block (the screen posts it as a message).
- `Autosave` turns keystrokes into notes saves: at most `delay` after the first unsaved one. Its
  timer comes from the caller (the screen's `set_timer`, a fake in tests): no test sleeps.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from companion.core.errors import CompanionError, refusal

AUTOSAVE_SECONDS = 0.75
"""Unsaved typing is written this long after its first keystroke (so a kill loses under 1 s)."""

SAVED_SIGN_SECONDS = 0.5
"""How long the notes must stay saved before their border says "saved". While the coach types
on, each autosave would otherwise flip it to "saved" and, a key later, back to "saving…": two
repaints of the whole notes pane per save, which the keys typed then wait for (key echo p95
~2x; see benchmarks/ANALYSIS.md). A failure is shown at once."""

RETRY_SECONDS = 3.0
"""While the practice refuses writes, try again this often."""

WriterState = Literal["saved", "writing", "failing"]


@dataclass(frozen=True)
class SaveReport:
    """What the writer holds, for the screen to show (never any of the text itself)."""

    state: WriterState
    problem: str = ""
    """Why the practice refused the last write, in the coach's words ('the disk is full')."""
    waiting: tuple[str, ...] = ()
    """The changes not written yet, by name ('the step change', 'the notes')."""
    rescue: Path | None = None
    """Where the notes were set aside while the practice refuses them."""
    rescue_problem: str = ""
    """Why they could not be set aside either (then only this window holds them)."""
    dropped: str = ""
    """A change refused for good, and why: it was shown and will not be retried."""


class Rescue(Protocol):
    """Somewhere to set the notes aside when the practice refuses them (services.rescue)."""

    def write(self, text: str) -> Path: ...

    def discard(self) -> None: ...


class Stoppable(Protocol):
    def stop(self) -> object: ...


def describe(error: BaseException) -> str:
    """ERROR in the coach's words; never the text of an unknown error (it may quote a note)."""
    if isinstance(error.__cause__, sqlite3.OperationalError):
        error = error.__cause__  # the store's StoreError for it: the reason alone, as below
    if isinstance(error, CompanionError):
        return str(error)
    if isinstance(error, sqlite3.OperationalError):
        return refusal(str(error)) or "the database refused the write"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return type(error).__name__


def passing(error: BaseException) -> bool:
    """Whether ERROR may clear by itself (a disk freed, a lock released): then retry."""
    if isinstance(error, sqlite3.OperationalError | OSError):
        return True
    return isinstance(error.__cause__, sqlite3.OperationalError | OSError)


@dataclass
class _Change:
    label: str
    write: Callable[[], Any]
    then: Callable[[Any], None] | None


class SessionWriter:
    """Writes a session's changes in order, off the event loop, and keeps what is refused.

    The writes run in short drains: RUN_IN_THREAD starts one (the screen's thread worker, so
    Textual waits for it like any worker) whenever there is work and none is running. A drain
    stops at the first passing refusal; LATER then arms the retry (on the screen's loop, through
    DELIVER). `flush` drains in the calling thread, so it never waits for the event loop.
    """

    def __init__(
        self,
        *,
        save_notes: Callable[[str], None],
        report: Callable[[SaveReport], None],
        deliver: Callable[[Callable[[], None]], None],
        run_in_thread: Callable[[Callable[[], None]], object],
        later: Callable[[float, Callable[[], None]], Stoppable],
        rescue: Rescue | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        """DELIVER runs a callback on the screen's own loop soon; it must not block."""
        self._save_notes = save_notes
        self._report = report
        self._deliver = deliver
        self._run_in_thread = run_in_thread
        self._later = later
        self._rescue = rescue
        self._retry_seconds = retry_seconds
        self._cond = threading.Condition()
        self._draining = threading.Lock()  # one drain at a time, whoever runs it
        self._changes: deque[_Change] = deque()
        self._notes: tuple[str, int] | None = None  # the latest text not written, its generation
        self.written_generation = 0
        """The generation of the notes last written to the practice."""
        self._rescued_generation = -1
        self._rescue_path: Path | None = None
        self._rescue_problem = ""
        self._problem = ""
        self._failing = False
        self._next_try = 0.0
        self._scheduled = False
        self._retry_timer: Stoppable | None = None
        self._closed = False

    # -- asked from the screen ---------------------------------------------------------------

    def notes(self, text: str, generation: int) -> None:
        """Write TEXT as the notes (a later generation replaces one not yet written)."""
        with self._cond:
            if self._notes is None or generation >= self._notes[1]:
                self._notes = (text, generation)
        self._kick()

    def change(
        self, label: str, write: Callable[[], Any], then: Callable[[Any], None] | None = None
    ) -> None:
        """Run WRITE in turn; THEN gets its result on the screen's loop once it is written."""
        with self._cond:
            self._changes.append(_Change(label, write, then))
            held = self._failing
        self._kick()
        if held:
            self._tell()  # one more change waiting: the banner lists it

    @property
    def pending(self) -> bool:
        """Anything asked for and not yet written (refused, or waiting its turn)."""
        with self._cond:
            return self._has_work()

    @property
    def failing(self) -> bool:
        with self._cond:
            return self._failing

    def retry(self) -> None:
        """Try the refused writes again now (the retry timer, or the coach)."""
        with self._cond:
            self._next_try = 0.0
            self._retry_timer = None
        self._kick()

    def flush(self, timeout: float = 2.0) -> bool:
        """Try everything now, here, and wait (quitting, closing): True when all is written."""
        if not self._draining.acquire(timeout=timeout):
            return False
        try:
            with self._cond:
                self._next_try = 0.0
            self._drain_held(stop_at_refusal=True)
        finally:
            self._draining.release()
        return not self.pending

    def set_aside(self) -> Path | None:
        """Write the unsaved notes to the rescue file now (quitting while the practice refuses)."""
        with self._cond:
            notes = self._notes
        if notes is not None:
            self._rescue_notes(notes)
        return self._rescue_path

    def restoring(self, rescue_file: Path) -> None:
        """The notes of RESCUE_FILE are being saved again: remove the file once they are."""
        with self._cond:
            self._rescue_path = rescue_file

    def close(self) -> None:
        """No more drains or retries: the screen is going (what is held stays in memory only)."""
        with self._cond:
            self._closed = True
            timer, self._retry_timer = self._retry_timer, None
        if timer is not None:
            timer.stop()

    # -- the drains --------------------------------------------------------------------------

    def _has_work(self) -> bool:
        return bool(self._changes) or self._notes is not None

    def _kick(self) -> None:
        with self._cond:
            if self._scheduled or self._closed or not self._has_work():
                return
            self._scheduled = True
        self._run_in_thread(self._drain)

    def _drain(self) -> None:
        with self._cond:
            self._scheduled = False
        with self._draining:
            self._drain_held(stop_at_refusal=False)
        with self._cond:
            again = self._has_work() and not self._failing and not self._closed
        if again:  # asked for while this drain was finishing
            self._kick()

    def _drain_held(self, *, stop_at_refusal: bool) -> None:
        while True:
            with self._cond:
                if not self._has_work():
                    return
                waiting = self._failing and time.monotonic() < self._next_try
                latest = self._notes
                if waiting:
                    if latest is not None and latest[1] > self._rescued_generation:
                        to_rescue = latest  # typed while refused: set aside at once
                    else:
                        return  # the retry timer comes back for the rest
                else:
                    to_rescue = None
                    change = self._changes[0] if self._changes else None
                    notes = None if change is not None else latest
            if to_rescue is not None:
                self._rescue_notes(to_rescue)
                self._tell()
                continue
            if not self._attempt(change, notes) and stop_at_refusal:
                return

    def _attempt(self, change: _Change | None, notes: tuple[str, int] | None) -> bool:
        """One write; False when the practice refused it for a passing reason."""
        try:
            if change is not None:
                result = change.write()
            else:
                assert notes is not None
                self._save_notes(notes[0])
        except Exception as error:
            return self._refused(change, notes, error)
        with self._cond:
            if change is not None:
                self._changes.popleft()
            else:
                assert notes is not None
                self.written_generation = max(self.written_generation, notes[1])
                if self._notes is notes:
                    self._notes = None
            cleared = not self._has_work()
            if cleared and self._failing:
                self._failing = False
                self._problem = self._rescue_problem = ""
        if cleared and self._rescue is not None and self._rescue_path is not None:
            self._rescue_path = None
            self._rescue.discard()  # the practice holds the notes again
        if change is not None and change.then is not None:
            then, value = change.then, result
            self._deliver(lambda: then(value))
        self._tell()
        return True

    def _refused(
        self, change: _Change | None, notes: tuple[str, int] | None, error: Exception
    ) -> bool:
        problem = describe(error)
        if change is not None and not passing(error):
            # Refused for good (the record is gone, a rule broken): drop the change so that it
            # cannot hold back the rest. The notes are never dropped: they are kept and retried.
            with self._cond:
                self._changes.popleft()
            self._tell(dropped=f"{change.label}: {problem}")
            return True
        with self._cond:
            self._failing = True
            self._problem = problem
            self._next_try = time.monotonic() + self._retry_seconds
            latest = self._notes
        if latest is not None:
            self._rescue_notes(latest)
        self._deliver(self._arm_retry)
        self._tell()
        return False

    def _arm_retry(self) -> None:
        """On the screen's loop: come back for the refused writes in a while."""
        with self._cond:
            if self._retry_timer is not None or self._closed or not self._failing:
                return
        timer = self._later(self._retry_seconds, self.retry)
        with self._cond:
            self._retry_timer = timer

    def _rescue_notes(self, notes: tuple[str, int]) -> None:
        if notes[1] <= self._rescued_generation:
            return
        self._rescued_generation = notes[1]
        if self._rescue is None:
            return
        try:
            self._rescue_path = self._rescue.write(notes[0])
            self._rescue_problem = ""
        except OSError as error:
            self._rescue_problem = describe(error)

    def _snapshot(self, dropped: str = "") -> SaveReport:
        waiting = tuple(change.label for change in self._changes)
        if self._notes is not None:
            waiting += ("the notes",)
        if self._failing:
            state: WriterState = "failing"
        else:
            state = "writing" if waiting else "saved"
        return SaveReport(
            state,
            problem=self._problem if self._failing else "",
            waiting=waiting,
            rescue=self._rescue_path if self._failing else None,
            rescue_problem=self._rescue_problem if self._failing else "",
            dropped=dropped,
        )

    def _tell(self, dropped: str = "") -> None:
        with self._cond:
            report = self._snapshot(dropped)
        self._report(report)


class Autosave:
    """Keystrokes to notes saves: the text handed to the writer DELAY after the first unsaved key.

    The typing path costs a counter and, once per burst, a timer; the text is read only when the
    timer fires (on the screen's loop: the widget is not thread-safe).
    """

    def __init__(
        self,
        *,
        text: Callable[[], str],
        writer: SessionWriter,
        later: Callable[[float, Callable[[], None]], Stoppable],
        delay: float,
    ) -> None:
        self._text = text
        self._writer = writer
        self._later = later
        self._delay = delay
        self._timer: Stoppable | None = None
        self.generation = 0
        """Bumps on every edit; the writer records the one it wrote."""
        self._handed = 0

    def edited(self) -> None:
        self.generation += 1
        if self._timer is None:
            self._timer = self._later(self._delay, self.save_now)

    def save_now(self) -> None:
        """Hand the notes to the writer now (a step change, ctrl+s, leaving)."""
        self.stop()
        if self.generation > self._handed or self.generation > self._writer.written_generation:
            self._writer.notes(self._text(), self.generation)
            self._handed = self.generation

    @property
    def unsaved(self) -> bool:
        """Edits not yet handed over: 'editing' on the border."""
        return self.generation > self._handed

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
