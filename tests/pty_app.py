"""The real `companion` command in a pseudo-terminal, its screen read through a VT emulator (pyte).

Tests drive it as a coach would: keys and bursts of text written to the terminal, the screen read
back as text. Nothing here sleeps as the thing being tested: every wait polls the emulated screen
(or the process) until what is wanted shows up, with timeouts generous enough for a loaded machine.

    with RealApp(["start", "--client", "Ana"], tmp_path, cols=80, rows=24) as app:
        app.wait_for("Step 1 of")
        app.write("notes typed in one burst")
        app.press("ctrl+q")
        assert app.wait_exit() == 0
    assert b"Traceback" not in app.all_output
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal as signals
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from types import TracebackType

import pytest

pyte = pytest.importorskip("pyte")

TIMEOUT = 30.0
"""Seconds a wait gives the app by default (a loaded 2-core machine paints slowly)."""

POLL = 0.05

KEYS: dict[str, str] = {
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "f8": "\x1b[19~",
    "f9": "\x1b[20~",
    "f10": "\x1b[21~",
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "space": " ",
    "backspace": "\x7f",
}


def key_bytes(name: str) -> str:
    """The bytes an xterm sends for the key NAME (f2, ctrl+s, enter, ...; a plain character too)."""
    lowered = name.lower()
    if lowered in KEYS:
        return KEYS[lowered]
    if lowered.startswith("ctrl+") and len(lowered) == len("ctrl+") + 1:
        return chr(ord(lowered[-1]) & 31)
    if len(name) == 1:
        return name
    raise ValueError(f"no escape sequence known for the key {name!r}")


def companion_command() -> Path:
    """The installed console script next to this interpreter (skip the test if there is none)."""
    script = Path(sys.executable).parent / "companion"
    if not script.exists():
        pytest.skip(f"no console script at {script}: install the package (pip install -e .)")
    return script


def app_env(home: Path, db: Path, cols: int, rows: int) -> dict[str, str]:
    """A coach's environment, private to the test: no display (so no system clipboard)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "COMPANION_DB", "COLUMNS", "LINES"}
        and not key.startswith("TEXTUAL")
        and not key.startswith("XDG_")
        and not key.startswith("PYTEST")
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        COMPANION_DB=str(db),
        TERM="xterm-256color",
        COLUMNS=str(cols),
        LINES=str(rows),
    )
    return env


class RealApp:
    """`companion ARGS` running in a pseudo-terminal of COLS x ROWS, its practice in TMP."""

    def __init__(
        self,
        args: list[str],
        tmp: Path,
        *,
        cols: int = 80,
        rows: int = 24,
        db: Path | None = None,
    ) -> None:
        self.args = list(args)
        self.tmp = Path(tmp)
        self.cols = cols
        self.rows = rows
        self.db = db if db is not None else self.tmp / "p.db"
        self.env = app_env(self.tmp, self.db, cols, rows)
        self.all_output = b""
        """Every byte the app wrote to its terminal, to check e.g. that no traceback appeared."""
        self.pid: int | None = None
        self.fd: int | None = None
        self.status: int | None = None
        self._screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._reader: threading.Thread | None = None

    # -- the process ------------------------------------------------------------------------

    def __enter__(self) -> RealApp:
        command = companion_command()
        for folder in (self.tmp / ".local" / "share", self.tmp / ".config"):
            folder.mkdir(parents=True, exist_ok=True)
        size = struct.pack("HHHH", self.rows, self.cols, 0, 0)
        argv = [str(command), *self.args]
        pid, fd = pty.fork()
        if pid == 0:  # the child: size its terminal before the app asks, then become the app
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, size)
                os.chdir(self.tmp)
                os.execve(argv[0], argv, self.env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, size)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.pid is not None and self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signals.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                _, status = os.waitpid(self.pid, 0)
                self.status = os.waitstatus_to_exitcode(status)
        if self._reader is not None:
            self._reader.join(timeout=5)
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None

    def _read(self) -> None:
        """Feed everything the app writes into the emulator (and so never let the app block)."""
        assert self.fd is not None
        fd = self.fd
        while True:
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
            except (OSError, ValueError):
                return
            if not ready:
                if self.status is not None:
                    return
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child is gone and the terminal closed
                return
            if not chunk:
                return
            with self._lock:
                self.all_output += chunk
                # An escape sequence pyte does not know must not stop the reading.
                with contextlib.suppress(Exception):
                    self._stream.feed(chunk)

    def alive(self) -> bool:
        return self._poll() is None

    def _poll(self) -> int | None:
        if self.status is None and self.pid is not None:
            with contextlib.suppress(ChildProcessError):
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def wait_exit(self, timeout: float = TIMEOUT) -> int:
        """The exit status (negative: killed by that signal); AssertionError if still running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self._poll()
            if status is not None:
                if self._reader is not None:
                    self._reader.join(timeout=5)  # the last of the output
                return status
            time.sleep(POLL)
        raise AssertionError(
            f"companion {' '.join(self.args)} still running after {timeout} s; "
            f"the screen:\n{self.screen_text()}"
        )

    def signal(self, sig: int) -> None:
        assert self.pid is not None
        os.kill(self.pid, sig)

    # -- the screen ---------------------------------------------------------------------------

    def screen_text(self) -> str:
        """What a coach sees now: the emulated screen, one line per row (trailing blanks cut)."""
        with self._lock:
            return "\n".join(line.rstrip() for line in self._screen.display)

    def screen_flat(self) -> str:
        """The screen's rows joined by spaces with runs of blanks squeezed (text that wraps)."""
        return " ".join(self.screen_text().split())

    def wait_for(self, wanted: str | re.Pattern[str], timeout: float = TIMEOUT) -> None:
        """Poll until WANTED (text, or a compiled regex) is on the screen."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen_text()
            if _found(wanted, text):
                return
            if time.monotonic() > deadline:
                break
            if self._poll() is not None:  # it is gone: one last look at the final screen
                if self._reader is not None:
                    self._reader.join(timeout=5)
                if _found(wanted, self.screen_text()):
                    return
                raise AssertionError(
                    f"companion exited ({self.status}) without showing {_label(wanted)}; "
                    f"the screen:\n{self.screen_text()}\n-- output tail:\n"
                    f"{self.all_output[-2000:].decode('utf-8', 'replace')}"
                )
            time.sleep(POLL)
        raise AssertionError(
            f"{_label(wanted)} not on the screen within {timeout} s; the screen:\n{text}"
        )

    def wait_gone(self, unwanted: str | re.Pattern[str], timeout: float = TIMEOUT) -> None:
        """Poll until UNWANTED is no longer on the screen."""
        deadline = time.monotonic() + timeout
        while _found(unwanted, text := self.screen_text()):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{_label(unwanted)} still on the screen after {timeout} s:\n{text}"
                )
            time.sleep(POLL)

    # -- the keyboard -------------------------------------------------------------------------

    def write(self, data: bytes | str) -> None:
        """DATA in ONE write to the terminal: a burst, as a paste or an SSH link delivers it."""
        assert self.fd is not None
        raw = data.encode() if isinstance(data, str) else data
        written = os.write(self.fd, raw)
        assert written == len(raw), f"the terminal took {written} of {len(raw)} bytes"

    def press(self, *names: str) -> None:
        """Named keys (f2, ctrl+s, enter, escape, tab, ...), each its own write."""
        for name in names:
            self.write(key_bytes(name))


def _found(wanted: str | re.Pattern[str], text: str) -> bool:
    if isinstance(wanted, re.Pattern):
        return wanted.search(text) is not None
    return wanted in text


def _label(wanted: str | re.Pattern[str]) -> str:
    return f"/{wanted.pattern}/" if isinstance(wanted, re.Pattern) else repr(wanted)


def run_companion(
    args: list[str], tmp: Path, *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """A one-shot `companion ARGS` (no terminal) on the same private practice as RealApp(tmp)."""
    db = Path(tmp) / "p.db"
    return subprocess.run(
        [str(companion_command()), *args],
        env=app_env(Path(tmp), db, 80, 24),
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
