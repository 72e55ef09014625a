"""Copying the recap: the system clipboard when there really is one, else OSC 52 and a 0600 file.

A missing clipboard must never raise, and the text never goes into the message.
"""

from __future__ import annotations

import base64
import stat
import sys
from pathlib import Path

import pyperclip
import pytest

from companion.services.clipboard import copy_text, osc52_sequence, osc52_writer

TEXT = "# Session recap — Ana\n\nSECRET-RECAP-BODY: draft the opening\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def no_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """pyperclip as on a server with no xclip / xsel / wl-copy: its falsy stand-ins that raise."""
    monkeypatch.setattr(pyperclip, "determine_clipboard", pyperclip.init_no_clipboard)


class FakeBackend:
    def __init__(self, *, echo: bool = True, fail: bool = False) -> None:
        self.copied: list[str] = []
        self.echo = echo
        self.fail = fail

    def copy(self, text: str) -> None:
        if self.fail:
            raise pyperclip.PyperclipException("backend failed")
        self.copied.append(text)

    def paste(self) -> str:
        return self.copied[-1] if (self.echo and self.copied) else ""


def use_backend(monkeypatch: pytest.MonkeyPatch, backend: FakeBackend) -> None:
    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (backend.copy, backend.paste))


def test_no_backend_saves_a_private_file(no_backend: None, tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "recaps"
    result = copy_text(TEXT, fallback_dir=folder, filename="2026-11-25-ana-session-3.md")
    assert result.method == "file"
    assert result.path == folder / "2026-11-25-ana-session-3.md"
    assert result.path.read_text(encoding="utf-8") == TEXT
    assert mode(result.path) == 0o600
    assert mode(folder) == 0o700
    assert mode(folder.parent) == 0o700
    assert "2026-11-25-ana-session-3.md" in result.message
    assert str(folder) in result.message
    assert "SECRET-RECAP-BODY" not in result.message
    assert "\n" not in result.message


def test_no_backend_sends_osc52_and_still_saves(no_backend: None, tmp_path: Path) -> None:
    sent: list[str] = []
    result = copy_text(TEXT, fallback_dir=tmp_path, osc52=sent.append)
    assert sent == [TEXT]
    assert result.method == "terminal"
    assert result.path is not None and result.path.read_text(encoding="utf-8") == TEXT
    assert "OSC 52" in result.message and str(result.path) in result.message


def test_failing_osc52_callback_does_not_raise(no_backend: None, tmp_path: Path) -> None:
    def broken(text: str) -> None:
        raise RuntimeError("no terminal")

    result = copy_text(TEXT, fallback_dir=tmp_path, osc52=broken)
    assert result.method == "file"
    assert result.path is not None and result.path.exists()


def test_default_folder_is_the_private_recaps_folder(no_backend: None, tmp_path: Path) -> None:
    result = copy_text(TEXT)  # conftest points XDG_DATA_HOME into tmp_path
    assert result.path == tmp_path / "data" / "companion" / "recaps" / "recap.md"
    assert mode(result.path.parent) == 0o700
    assert mode(result.path.parent.parent) == 0o700
    assert mode(result.path) == 0o600


def test_an_older_readable_file_becomes_private(no_backend: None, tmp_path: Path) -> None:
    old = tmp_path / "recap.md"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o644)
    result = copy_text(TEXT, fallback_dir=tmp_path)
    assert result.path == old
    assert old.read_text(encoding="utf-8") == TEXT
    assert mode(old) == 0o600


def test_filename_cannot_leave_the_folder(no_backend: None, tmp_path: Path) -> None:
    folder = tmp_path / "recaps"
    result = copy_text(TEXT, fallback_dir=folder, filename="../../escape.md")
    assert result.path == folder / "escape.md"


def test_nothing_works_still_does_not_raise(no_backend: None, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = copy_text(TEXT, fallback_dir=blocker / "recaps")
    assert result.method == "none"
    assert not result.ok
    assert result.path is None
    assert "SECRET-RECAP-BODY" not in result.message
    sent: list[str] = []
    result = copy_text(TEXT, fallback_dir=blocker / "recaps", osc52=sent.append)
    assert result.method == "terminal" and result.path is None and sent == [TEXT]


def test_working_clipboard_is_used_and_no_file_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    backend = FakeBackend()
    use_backend(monkeypatch, backend)
    sent: list[str] = []
    result = copy_text(TEXT, fallback_dir=tmp_path / "recaps", osc52=sent.append)
    assert result.method == "clipboard"
    assert result.path is None
    assert result.message == "Recap copied to the clipboard."
    assert backend.copied == [TEXT]
    assert sent == []
    assert not (tmp_path / "recaps").exists()


def test_silent_backend_failure_falls_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """xclip with DISPLAY set and no X server copies "successfully" and pastes nothing."""
    use_backend(monkeypatch, FakeBackend(echo=False))
    result = copy_text(TEXT, fallback_dir=tmp_path)
    assert result.method == "file"
    assert result.path is not None and result.path.read_text(encoding="utf-8") == TEXT


def test_slow_wsl_backend_is_not_read_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copied: list[str] = []

    def copy_wsl(text: str) -> None:  # named as pyperclip names its WSL backend
        copied.append(text)

    def paste_wsl() -> str:
        raise AssertionError("WSL's paste is slow: it must not be called")

    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (copy_wsl, paste_wsl))
    result = copy_text(TEXT, fallback_dir=tmp_path / "recaps")
    assert result.method == "clipboard" and copied == [TEXT]


def test_raising_backend_falls_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_backend(monkeypatch, FakeBackend(fail=True))
    assert copy_text(TEXT, fallback_dir=tmp_path).method == "file"

    def explode() -> None:
        raise OSError("no such thing")

    monkeypatch.setattr(pyperclip, "determine_clipboard", explode)
    assert copy_text(TEXT, fallback_dir=tmp_path).method == "file"


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux backends are found on PATH")
def test_real_pyperclip_without_any_backend(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No monkeypatched pyperclip: an environment with no display and no tools on PATH."""
    proc_version = Path("/proc/version")
    if proc_version.exists() and "microsoft" in proc_version.read_text().lower():
        pytest.skip("WSL always has a clipboard")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = copy_text(TEXT, fallback_dir=tmp_path / "recaps")
    assert result.method == "file"
    assert result.path is not None and mode(result.path) == 0o600


def test_osc52_sequence_round_trips() -> None:
    sequence = osc52_sequence(TEXT)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\a")
    payload = sequence.removeprefix("\x1b]52;c;").removesuffix("\a")
    assert base64.b64decode(payload).decode("utf-8") == TEXT


def test_osc52_writer_writes_the_sequence(tmp_path: Path) -> None:
    import io

    stream = io.StringIO()
    osc52_writer(stream)("hi")
    assert stream.getvalue() == osc52_sequence("hi")
