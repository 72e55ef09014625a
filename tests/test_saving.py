"""The live session's writer and autosave, without Textual: order, refusals, rescue, flush."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from companion.store import StoreError
from companion.tui.saving import Autosave, SaveReport, SessionWriter, describe


class ThreadTimer:
    """A real timer for the writer's retry, stoppable as Textual's are."""

    def __init__(self, delay: float, callback: Callable[[], None]) -> None:
        self._timer = threading.Timer(delay, callback)
        self._timer.daemon = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.cancel()


class Disk:
    """A practice that refuses writes while `full` is set, and records what it was given."""

    def __init__(self) -> None:
        self.full = False
        self.notes: list[str] = []
        self.changes: list[str] = []

    def save_notes(self, text: str) -> None:
        if self.full:
            raise sqlite3.OperationalError("database or disk is full")
        self.notes.append(text)

    def write(self, what: str) -> Callable[[], str]:
        def run() -> str:
            if self.full:
                raise sqlite3.OperationalError("database or disk is full")
            self.changes.append(what)
            return what.upper()

        return run


class Shelf:
    """A rescue file in memory."""

    def __init__(self, tmp: Path, *, broken: bool = False) -> None:
        self.text: str | None = None
        self.path = tmp / "rescue.txt"
        self.broken = broken
        self.discarded = 0

    def write(self, text: str) -> Path:
        if self.broken:
            raise OSError(28, "No space left on device")
        self.text = text
        return self.path

    def discard(self) -> None:
        self.text = None
        self.discarded += 1


class Harness:
    def __init__(self, tmp: Path, *, broken_rescue: bool = False, retry: float = 60.0) -> None:
        self.disk = Disk()
        self.shelf = Shelf(tmp, broken=broken_rescue)
        self.reports: list[SaveReport] = []
        self.changed = threading.Event()
        self.writer = SessionWriter(
            save_notes=self.disk.save_notes,
            report=self._report,
            deliver=lambda callback: callback(),
            run_in_thread=lambda drain: threading.Thread(target=drain, daemon=True).start(),
            later=self._later,
            rescue=self.shelf,
            retry_seconds=retry,
        )

    @staticmethod
    def _later(delay: float, callback: Callable[[], None]) -> ThreadTimer:
        return ThreadTimer(delay, callback)

    def _report(self, report: SaveReport) -> None:
        self.reports.append(report)
        self.changed.set()


@pytest.fixture
def harness(tmp_path: Path):
    made: list[Harness] = []

    def make(**options: object) -> Harness:
        made.append(Harness(tmp_path, **options))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for each in made:
        each.writer.close()


def test_changes_and_notes_are_written_in_order_and_results_delivered(harness) -> None:
    h = harness()
    seen: list[str] = []
    h.writer.change("the step change", h.disk.write("step 2"), seen.append)
    h.writer.notes("first words", 1)
    h.writer.change("the agreement", h.disk.write("agreement"), seen.append)
    assert h.writer.flush(5)
    assert h.disk.changes == ["step 2", "agreement"]
    assert h.disk.notes[-1] == "first words"
    assert seen == ["STEP 2", "AGREEMENT"]
    assert h.reports[-1].state == "saved"
    assert h.writer.written_generation == 1


def test_a_later_text_replaces_one_not_yet_written(harness) -> None:
    h = harness()
    h.disk.full = True
    h.writer.notes("one", 1)
    assert not h.writer.flush(5)
    h.writer.notes("one two", 2)
    h.writer.notes("stale", 1)  # an older generation never wins
    h.disk.full = False
    assert h.writer.flush(5)
    assert h.disk.notes == ["one two"]


def test_a_full_disk_keeps_everything_sets_the_notes_aside_and_retries(harness) -> None:
    h = harness()
    h.disk.full = True
    h.writer.change("the step change", h.disk.write("step 2"))
    h.writer.notes("thirty words the coach typed", 3)
    assert not h.writer.flush(5)
    report = h.reports[-1]
    assert report.state == "failing"
    assert report.problem == "the disk is full"
    assert report.waiting == ("the step change", "the notes")
    assert h.shelf.text == "thirty words the coach typed"
    assert report.rescue == h.shelf.path
    assert h.writer.pending and h.writer.failing
    h.disk.full = False
    assert h.writer.flush(5)  # the retry (here forced by the flush) writes it all, in order
    assert h.disk.changes == ["step 2"]
    assert h.disk.notes == ["thirty words the coach typed"]
    assert h.reports[-1].state == "saved"
    assert h.shelf.text is None and h.shelf.discarded == 1  # the rescue file has done its job


def test_notes_typed_while_refused_go_to_the_rescue_file_at_once(harness) -> None:
    h = harness()  # retry only after a minute: the rescue must not wait for it
    h.disk.full = True
    h.writer.notes("one", 1)
    assert not h.writer.flush(5)
    h.changed.clear()
    h.writer.notes("one two three", 2)
    assert h.changed.wait(5)
    assert h.shelf.text == "one two three"
    assert h.disk.notes == []


def test_retries_by_itself_once_the_disk_is_freed(harness) -> None:
    h = harness(retry=0.01)
    h.disk.full = True
    h.writer.notes("kept", 1)
    while not h.reports or h.reports[-1].state != "failing":
        h.changed.wait(5)
        h.changed.clear()
    h.disk.full = False
    while h.reports[-1].state != "saved":
        assert h.changed.wait(5)
        h.changed.clear()
    assert h.disk.notes == ["kept"]


def test_no_rescue_possible_is_said(harness) -> None:
    h = harness(broken_rescue=True)
    h.disk.full = True
    h.writer.notes("words", 1)
    assert not h.writer.flush(5)
    assert h.reports[-1].rescue is None
    assert h.reports[-1].rescue_problem == "No space left on device"


def test_a_change_refused_for_good_is_dropped_and_does_not_hold_the_notes(harness) -> None:
    h = harness()

    def gone() -> None:
        raise StoreError("cannot save the action: it refers to a session that does not exist")

    h.writer.change("the action", gone)
    h.writer.notes("words", 1)
    assert h.writer.flush(5)
    assert h.disk.notes == ["words"]
    dropped = [r.dropped for r in h.reports if r.dropped]
    assert dropped == [
        "the action: cannot save the action: it refers to a session that does not exist"
    ]


def test_set_aside_writes_the_rescue_file_on_the_way_out(harness) -> None:
    h = harness()
    h.disk.full = True
    h.writer.notes("one", 1)
    assert not h.writer.flush(5)
    h.writer.notes("one two", 2)
    assert h.writer.set_aside() == h.shelf.path
    assert h.shelf.text == "one two"


def test_describe_never_quotes_an_unknown_error() -> None:
    assert describe(ValueError("Ana's secret")) == "ValueError"
    assert describe(sqlite3.OperationalError("attempt to write a readonly database")) == (
        "the practice file is read-only"
    )
    assert describe(sqlite3.OperationalError("near 'Ana': syntax error")) == (
        "the database refused the write"
    )


class FakeTimers:
    def __init__(self) -> None:
        self.armed: list[tuple[float, Callable[[], None]]] = []

    def later(self, delay: float, callback: Callable[[], None]) -> FakeTimers.Timer:
        timer = FakeTimers.Timer(self, (delay, callback))
        self.armed.append(timer.entry)
        return timer

    def fire(self) -> None:
        armed, self.armed = self.armed, []
        for _, callback in armed:
            callback()

    class Timer:
        def __init__(self, timers: FakeTimers, entry: tuple[float, Callable[[], None]]) -> None:
            self.timers, self.entry = timers, entry

        def stop(self) -> None:
            if self.entry in self.timers.armed:
                self.timers.armed.remove(self.entry)


def test_autosave_hands_the_text_over_once_per_burst_after_its_delay(harness) -> None:
    h = harness()
    timers = FakeTimers()
    text = ["a"]
    autosave = Autosave(text=lambda: text[0], writer=h.writer, later=timers.later, delay=0.75)
    for typed in ("ab", "abc", "abcd"):
        text[0] = typed
        autosave.edited()
    assert [delay for delay, _ in timers.armed] == [0.75]  # one timer for the burst
    assert autosave.unsaved
    timers.fire()
    assert not autosave.unsaved
    assert h.writer.flush(5)
    assert h.disk.notes == ["abcd"]
    assert h.writer.written_generation == autosave.generation == 3
    autosave.save_now()  # nothing new: nothing written again
    assert h.writer.flush(5)
    assert h.disk.notes == ["abcd"]


def test_save_now_stops_the_timer(harness) -> None:
    h = harness()
    timers = FakeTimers()
    autosave = Autosave(text=lambda: "x", writer=h.writer, later=timers.later, delay=0.75)
    autosave.edited()
    autosave.save_now()
    assert timers.armed == []
    assert h.writer.flush(5)
    assert h.disk.notes == ["x"]
