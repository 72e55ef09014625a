"""Copy text for the coach: the system clipboard, else the terminal (OSC 52) and a private file.

A missing clipboard is normal (an SSH session, a server without xclip / xsel / wl-copy), so nothing
here raises: the result always says, in one sentence, what happened and where the file is. The
text itself never goes into a message or a log.
"""

from __future__ import annotations

import base64
import contextlib
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

CopyMethod = Literal["clipboard", "terminal", "file", "none"]


@dataclass(frozen=True)
class CopyResult:
    """What happened to the text: `method` says how it went out, `path` where it was saved."""

    method: CopyMethod
    path: Path | None
    message: str

    @property
    def ok(self) -> bool:
        return self.method != "none"


def default_recaps_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("companion", appauthor=False)) / "recaps"


def _shown(path: Path) -> str:
    """The path as the coach would type it (~ for the home folder)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _same(copied: str, pasted: object) -> bool:
    if not isinstance(pasted, str):
        return False
    return copied.replace("\r\n", "\n").rstrip() == pasted.replace("\r\n", "\n").rstrip()


# Backends not read back: WSL's paste runs powershell.exe, which takes seconds.
_TRUSTED = frozenset({"copy_wsl"})

# The helpers that stay running to serve the selection (a forked child of xclip, xsel and
# wl-copy). pyperclip lets them inherit stdout / stderr, so `out=$(companion recap 1 --copy)` or
# `... --copy | less` waits until something else takes the clipboard: they are run here instead,
# detached. The commands are pyperclip 1.11's: copy, then paste for the read-back.
_SERVING: dict[str, tuple[list[str], list[str]]] = {
    "copy_xclip": (["xclip", "-selection", "c"], ["xclip", "-selection", "c", "-o"]),
    "copy_xsel": (["xsel", "-b", "-i"], ["xsel", "-b", "-o"]),
    "copy_wl": (["wl-copy"], ["wl-paste", "-n", "-t", "text"]),
}

# Seconds for a helper's foreground part (connect, read the text, fork) and for one read-back.
_HELPER_TIMEOUT = 3.0
# Seconds to retry the read-back while a just-forked helper takes the selection.
_SETTLE = 1.0


def _serve_detached(command: list[str], text: str) -> bool:
    """Hand TEXT to a selection-serving helper that keeps nothing of ours open; True if it took it.

    The helper gets its own session and /dev/null for stdout and stderr, so the part that stays
    behind to serve the selection holds no pipe of the caller's shell.
    """
    data = text.encode("utf-8")
    if not data and command[0] == "wl-copy":
        command = [*command, "--clear"]  # as pyperclip does: wl-copy with no input would wait
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        start_new_session=True,
    )
    try:
        process.communicate(data, timeout=_HELPER_TIMEOUT)  # writes, closes stdin, waits
    except subprocess.TimeoutExpired:
        # Stuck before forking (an X server that does not answer, a helper not reading): it
        # cannot be trusted with the text, and must not linger.
        process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=_HELPER_TIMEOUT)
        return False
    return process.returncode == 0  # xclip / xsel exit 1 when DISPLAY names no server


def _read_back(command: list[str]) -> str | None:
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            timeout=_HELPER_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    return done.stdout.decode("utf-8", errors="replace")


def _copy_serving(copy_command: list[str], paste_command: list[str], text: str) -> bool:
    if not _serve_detached(copy_command, text):
        return False
    # xsel reads its input after forking: the selection may take a moment to arrive.
    deadline = time.monotonic() + _SETTLE
    while True:
        pasted = _read_back(paste_command)
        if pasted is None:  # the read-back itself hung: give up rather than wait again
            return False
        if _same(text, pasted):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _system_clipboard(text: str) -> bool:
    """Copy with pyperclip's backend if one really exists, and check it arrived where cheap."""
    try:
        import pyperclip

        copy, paste = pyperclip.determine_clipboard()
        if not copy:  # pyperclip's "no clipboard" stand-in is falsy
            return False
        name = getattr(copy, "__name__", "")
        if name in _SERVING:
            return _copy_serving(*_SERVING[name], text)
        copy(text)
        if sys.platform == "win32" or name in _TRUSTED:
            return True
        # Other backends can fail silently (exit codes are ignored): read the text back.
        return _same(text, paste())
    except Exception:  # PyperclipException, OSError from a backend, anything: fall back quietly
        return False


def save_private_file(text: str, folder: Path, filename: str) -> Path:
    """Write TEXT to FOLDER/FILENAME for the coach alone (folder 0700, file 0600, atomically)."""
    from companion.services.files import write_private_file

    return write_private_file(folder / (Path(filename).name or "recap.md"), text)


def copy_text(
    text: str,
    *,
    fallback_dir: Path | None = None,
    osc52: Callable[[str], None] | None = None,
    filename: str = "recap.md",
) -> CopyResult:
    """Copy TEXT to the clipboard; failing that, to the terminal (OSC52) and a private file.

    `osc52` is how to reach the terminal's clipboard (Textual's App.copy_to_clipboard, or
    `osc52_writer(stream)` in the shell); without a system clipboard the text is also saved to
    FALLBACK_DIR (default: the user data folder's recaps/) since OSC 52 cannot be confirmed.
    """
    if _system_clipboard(text):
        return CopyResult("clipboard", None, "Recap copied to the clipboard.")

    sent = False
    if osc52 is not None:
        try:
            osc52(text)
            sent = True
        except Exception:
            sent = False

    try:
        folder = fallback_dir if fallback_dir is not None else default_recaps_dir()
        path: Path | None = save_private_file(text, folder, filename)
        problem = ""
    except Exception as error:  # a full disk or a read-only folder must not crash the session
        path = None
        problem = getattr(error, "strerror", None) or type(error).__name__

    if sent and path is not None:
        return CopyResult(
            "terminal",
            path,
            "No working clipboard: sent the recap to the terminal clipboard (OSC 52) "
            f"and saved it to {_shown(path)}",
        )
    if path is not None:
        return CopyResult("file", path, f"No working clipboard: saved the recap to {_shown(path)}")
    if sent:
        return CopyResult(
            "terminal",
            None,
            "No working clipboard: sent the recap to the terminal clipboard (OSC 52); "
            f"it could not be saved to a file ({problem}).",
        )
    return CopyResult(
        "none",
        None,
        f"Could not copy the recap: no working clipboard, and saving it failed ({problem}).",
    )


def osc52_sequence(text: str) -> str:
    """The escape sequence that asks a terminal to put TEXT on its clipboard."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"\x1b]52;c;{payload}\a"


def osc52_writer(stream: TextIO) -> Callable[[str], None]:
    """An `osc52` callback for copy_text that writes to STREAM (a terminal) from the shell."""

    def write(text: str) -> None:
        stream.write(osc52_sequence(text))
        stream.flush()

    return write
