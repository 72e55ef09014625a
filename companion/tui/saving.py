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

from companion.errors import CompanionError

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
    """Somewhere to set the notes aside when the practice refuses them (see companion.rescue)."""

    def write(self, text: str) -> Path: ...

    def discard(self) -> None: ...


class Stoppable(Protocol):
    def stop(self) -> object: ...


def describe(error: BaseException) -> str:
    """ERROR in the coach's words; never the text of an unknown error (it may quote a note)."""
    if isinstance(error, CompanionError):
        return str(error)
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if "full" in text:
            return "the disk is full"
        if "readonly" in text or "read-only" in text:
            return "the practice file is read-only"
        if "locked" in text or "busy" in text:
            return "another program holds the practice locked"
        if "i/o" in text:
            return "the disk reported an error"
        return "the database refused the write"
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
    """One thread that writes a session's changes in order and keeps what the practice refuses."""

    def __init__(
        self,
        *,
        save_notes: Callable[[str], None],
        report: Callable[[SaveReport], None],
        deliver: Callable[[Callable[[], None]], None],
        rescue: Rescue | None = None,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        """DELIVER runs a callback on the screen's own loop later; it must not block."""
        self._save_notes = save_notes
        self._report = report
        self._deliver = deliver
        self._rescue = rescue
        self._retry_seconds = retry_seconds
        self._cond = threading.Condition()
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
        self._busy = False
        self._attempts = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="session-writer", daemon=True)
        self._thread.start()

    # -- asked from the screen ---------------------------------------------------------------

    def notes(self, text: str, generation: int) -> None:
        """Write TEXT as the notes (a later generation replaces one not yet written)."""
        with self._cond:
            if self._notes is None or generation >= self._notes[1]:
                self._notes = (text, generation)
            self._cond.notify_all()

    def change(
        self, label: str, write: Callable[[], Any], then: Callable[[Any], None] | None = None
    ) -> None:
        """Run WRITE in turn; THEN gets its result on the screen's loop once it is written."""
        with self._cond:
            self._changes.append(_Change(label, write, then))
            self._cond.notify_all()

    @property
    def pending(self) -> bool:
        with self._cond:
            return self._has_work() or self._busy

    @property
    def failing(self) -> bool:
        with self._cond:
            return self._failing

    def flush(self, timeout: float = 2.0) -> bool:
        """Try everything now and wait for the outcome (quitting, closing): True when written."""
        deadline = time.monotonic() + timeout
        with self._cond:
            needed = self._attempts + (2 if self._busy else 1)
            self._next_try = 0.0
            self._cond.notify_all()
            while self._has_work() or self._busy:
                if self._failing and self._attempts >= needed:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return False
                self._cond.wait(remaining)
            return True

    def set_aside(self) -> Path | None:
        """Write the unsaved notes to the rescue file now (quitting with the practice refusing)."""
        with self._cond:
            notes = self._notes
        if notes is not None:
            self._rescue_notes(notes)
        return self._rescue_path

    def close(self) -> None:
        """Stop the thread once it is idle or refused (what is still held is in memory only)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    # -- the thread --------------------------------------------------------------------------

    def _has_work(self) -> bool:
        return bool(self._changes) or self._notes is not None

    def _snapshot(self, dropped: str = "") -> SaveReport:
        waiting = tuple(change.label for change in self._changes)
        if self._notes is not None:
            waiting += ("the notes",)
        if self._failing:
            state: WriterState = "failing"
        else:
            state = "writing" if waiting or self._busy else "saved"
        return SaveReport(
            state,
            problem=self._problem if self._failing else "",
            waiting=waiting,
            rescue=self._rescue_path if self._failing else None,
            rescue_problem=self._rescue_problem if self._failing else "",
            dropped=dropped,
        )

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._has_work() and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                wait = self._next_try - time.monotonic() if self._failing else 0.0
                to_rescue: tuple[str, int] | None = None
                change: _Change | None = None
                notes: tuple[str, int] | None = None
                if wait > 0:
                    latest = self._notes
                    if latest is None or latest[1] <= self._rescued_generation:
                        self._cond.wait(wait)  # until the next try, a flush or new notes
                        continue
                    to_rescue = latest  # typed while refused: set aside at once
                else:
                    change = self._changes[0] if self._changes else None
                    notes = None if change is not None else self._notes
                    self._busy = True
            if to_rescue is not None:
                self._rescue_notes(to_rescue)
                self._tell()
                continue
            self._attempt(change, notes)

    def _attempt(self, change: _Change | None, notes: tuple[str, int] | None) -> None:
        try:
            if change is not None:
                result = change.write()
            else:
                assert notes is not None
                self._save_notes(notes[0])
        except Exception as error:
            self._refused(change, notes, error)
            return
        with self._cond:
            self._busy = False
            self._attempts += 1
            if change is not None:
                self._changes.popleft()
            else:
                assert notes is not None
                self.written_generation = max(self.written_generation, notes[1])
                if self._notes is notes:
                    self._notes = None
            cleared = self._failing and not self._has_work()
            if cleared:
                self._failing = False
                self._problem = self._rescue_problem = ""
            self._cond.notify_all()
        if cleared and self._rescue is not None and self._rescue_path is not None:
            self._rescue_path = None
            self._rescue.discard()  # the practice holds the notes again
        if change is not None and change.then is not None:
            then, value = change.then, result
            self._deliver(lambda: then(value))
        self._tell()

    def _refused(
        self, change: _Change | None, notes: tuple[str, int] | None, error: Exception
    ) -> None:
        problem = describe(error)
        if not passing(error):
            # Refused for good (the record is gone, a rule broken): drop it, never block the rest.
            with self._cond:
                self._busy = False
                self._attempts += 1
                if change is not None:
                    self._changes.popleft()
                elif self._notes is notes:
                    self._notes = None
                self._cond.notify_all()
            self._tell(dropped=f"{change.label if change else 'the notes'}: {problem}")
            return
        with self._cond:
            self._busy = False
            self._attempts += 1
            self._failing = True
            self._problem = problem
            self._next_try = time.monotonic() + self._retry_seconds
            latest = self._notes
            self._cond.notify_all()
        if latest is not None:
            self._rescue_notes(latest)
        self._tell()

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
