"""The real app in a pseudo-terminal, killed with SIGKILL: the notes typed earlier are on disk."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from companion.store import Store

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

PAINT_TIMEOUT = 30.0


def _read_until(fd: int, wanted: bytes, timeout: float) -> bytes:
    """Read the child's screen output until WANTED shows up (or the time is up)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if wanted in seen:
            return seen
    raise AssertionError(f"the app did not show {wanted!r} within {timeout} s")


def _drain(fd: int, seconds: float) -> None:
    """Keep reading so the child never blocks on a full terminal buffer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                if not os.read(fd, 65536):
                    return
            except OSError:
                return


def _type(fd: int, text: str) -> None:
    for char in text:
        os.write(fd, char.encode())
        _drain(fd, 0.01)


def test_sigkill_keeps_the_notes_typed_more_than_a_second_before(tmp_path: Path) -> None:
    db = tmp_path / "practice.db"
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "LINES": "30",
        "COMPANION_DB": str(db),
    }
    env.pop("TEXTUAL", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command, as a coach would run it
        try:
            os.execve(
                sys.executable,
                [sys.executable, "-m", "companion", "--db", str(db), "start", "--client", "Pat"],
                env,
            )
        finally:
            os._exit(127)
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        _read_until(fd, b"elapsed", PAINT_TIMEOUT)  # the session is open, not just painted
        _drain(fd, 1.0)
        _type(fd, "first words of the client ")
        _drain(fd, 2.0)  # more than a second: these must be on disk
        _type(fd, "and then more")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)

    store = Store.open(db)
    try:
        sessions = store.sessions()
        assert len(sessions) == 1
        assert sessions[0].id is not None
        notes = store.get_notes(sessions[0].id).text
    finally:
        store.close()
    assert "first words of the client" in notes
