"""One window per session, with the real `companion` in two pseudo-terminals at once.

A second `companion start` for a client whose session is open elsewhere must not write to it (the
last window to save used to win, silently erasing the other's notes): it says where the session is
open and offers a read-only view or a new session. A window killed outright frees the session at
once (its process is gone), so a resume after a crash needs no waiting.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from pty_app import RealApp

from companion.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

CLIENT = "Ana Lopez"


def window(tmp: Path, db: Path, name: str) -> RealApp:
    home = tmp / name
    home.mkdir(exist_ok=True)
    return RealApp(["start", "--client", CLIENT, "--protocol", "grow"], home, db=db)


def notes_by_session(db: Path) -> dict[int, str]:
    store = Store.open(db)
    try:
        return {s.id: store.get_notes(s.id).text for s in store.sessions() if s.id is not None}
    finally:
        store.close()


def test_a_second_window_never_writes_the_open_session(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with window(tmp_path, db, "a") as first:
        first.wait_for("elapsed")
        first.write("Written in the first window\r")
        first.wait_for("Written in the first window")

        with window(tmp_path, db, "b") as second:
            second.wait_for("Open in another window")  # at once: no "resume?" it cannot do
            assert "Resume it" not in second.screen_text()
            second.wait_for("process")  # which window holds it
            second.press("n")  # a session of its own instead
            second.wait_for("elapsed")
            second.write("Written in the second window\r")
            second.wait_for("Written in the second window")
            second.press("ctrl+q")
            assert second.wait_exit() == 0

        first.write("The first window goes on\r")
        first.wait_for("The first window goes on")
        first.press("ctrl+q")
        assert first.wait_exit() == 0

    notes = notes_by_session(db)
    assert len(notes) == 2
    one, two = notes[min(notes)], notes[max(notes)]
    assert "Written in the first window" in one and "The first window goes on" in one
    assert "second window" not in one
    assert "Written in the second window" in two and "first window" not in two


def test_the_second_window_can_view_it_read_only(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with window(tmp_path, db, "a") as first:
        first.wait_for("elapsed")
        first.write("Seen from the other window\r")
        first.wait_for("Seen from the other window")
        first.press("ctrl+s")

        with window(tmp_path, db, "b") as second:
            second.wait_for("Open in another window")
            second.press("v")
            second.wait_for("read-only")
            second.wait_for("Seen from the other window")
            second.write("typing here changes nothing")
            second.press("ctrl+n")  # nor does a step change
            second.press("ctrl+q")
            assert second.wait_exit() == 0

        first.press("ctrl+q")
        assert first.wait_exit() == 0

    notes = notes_by_session(db)
    assert len(notes) == 1
    (text,) = notes.values()
    assert "Seen from the other window" in text and "changes nothing" not in text


def test_a_killed_window_frees_the_session_at_once(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with window(tmp_path, db, "a") as first:
        first.wait_for("elapsed")
        first.write("Typed before the crash\r")
        first.wait_for("Typed before the crash")
        first.press("ctrl+s")
        first.wait_for("saved")
        first.signal(signal.SIGKILL)
        first.wait_exit()

    with window(tmp_path, db, "b") as again:
        again.wait_for("Resume it")
        again.press("r")
        again.wait_for("Typed before the crash")  # no 'open in another window'
        assert "Open in another window" not in again.screen_text()
        again.press("ctrl+q")
        assert again.wait_exit() == 0
