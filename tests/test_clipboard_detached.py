"""`companion recap ID --copy` in a pipe or `$(...)` returns at once (issue 7, point 2).

xclip, xsel and wl-copy leave a process behind to serve the selection; it must not hold the
caller's stdout or stderr, or `out=$(companion recap 1 --copy)` waits until something else takes
the clipboard. Fakes on PATH reproduce that without X; a real Xvfb + xclip / xsel run when present.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SamplePractice

from companion.core.recap import build_recap
from companion.services import clipboard
from companion.services.clipboard import copy_text
from companion.store.records import load_session_record

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the X11 / Wayland helpers are a Linux matter"
)

COMPANION = Path(sys.executable).with_name("companion")  # the installed console script
SH = shutil.which("sh") or "/bin/sh"
CAT = shutil.which("cat") or "/bin/cat"
SLEEP = shutil.which("sleep") or "/bin/sleep"
HANG_LIMIT = 10  # seconds: only the sign of a hang, not a measure of speed

TEXT = "# Session recap — Ana\n\nSECRET-RECAP-BODY: draft the opening\n"


def on_wsl() -> bool:
    version = Path("/proc/version")
    return version.exists() and "microsoft" in version.read_text().lower()


@pytest.fixture(autouse=True)
def not_wsl() -> None:
    if on_wsl():
        pytest.skip("pyperclip always uses the Windows clipboard on WSL")


# --- fakes: a helper that forks a child to "serve" the selection, inheriting stdout ------------


class Fakes:
    """A bin folder (the whole PATH) of fake clipboard helpers sharing one stored selection."""

    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.bin.mkdir(parents=True)
        self.store = root / "selection"
        self.pids = root / "pids"
        for tool, path in (("cat", CAT), ("sleep", SLEEP)):
            (self.bin / tool).symlink_to(path)

    def script(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!{SH}\n{body}\n", encoding="utf-8")
        path.chmod(0o755)

    def serving(self, name: str, *, output_flag: str | None) -> None:
        """NAME copies like xclip: store stdin, leave `sleep` behind holding our stdout, exit 0."""
        read = f'for a in "$@"; do [ "$a" = "{output_flag}" ] && exec {CAT} "{self.store}"; done\n'
        self.script(
            name,
            (read if output_flag else "")
            + f'{CAT} > "{self.store}"\n'
            + f'{SLEEP} 30 &\necho $! >> "{self.pids}"\nexit 0',
        )

    def paster(self, name: str) -> None:
        self.script(name, f'exec {CAT} "{self.store}"')

    def cleanup(self) -> None:
        if not self.pids.exists():
            return
        for line in self.pids.read_text().split():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(line), signal.SIGKILL)

    def alive(self) -> list[int]:
        found = []
        for line in self.pids.read_text().split() if self.pids.exists() else []:
            try:
                os.kill(int(line), 0)
            except ProcessLookupError:
                continue
            if Path(f"/proc/{line}/stat").read_text().split(") ")[-1][:1] != "Z":
                found.append(int(line))
        return found


@pytest.fixture
def fakes(tmp_path: Path) -> Iterator[Fakes]:
    made = Fakes(tmp_path / "fakes")
    try:
        yield made
    finally:
        made.cleanup()


def set_backend(fakes: Fakes, backend: str, env: dict[str, str]) -> None:
    """Install the fake BACKEND in FAKES and point ENV at it (a display, PATH = the fakes only)."""
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("DISPLAY", None)
    if backend == "xclip":
        fakes.serving("xclip", output_flag="-o")
        env["DISPLAY"] = ":97"
    elif backend == "xsel":
        fakes.serving("xsel", output_flag="-o")
        env["DISPLAY"] = ":97"
    else:
        fakes.serving("wl-copy", output_flag=None)
        fakes.paster("wl-paste")
        env["WAYLAND_DISPLAY"] = "wayland-97"
    env["PATH"] = str(fakes.bin)


def run_shell(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run SCRIPT with sh; fail (and kill the whole group) if it has not ended in HANG_LIMIT s."""
    process = subprocess.Popen(
        [SH, "-c", script],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=HANG_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"`{script}` hung: a clipboard helper kept the shell's pipe open")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


SHELL_FORMS = {
    "substitution": 'out=$("{companion}" recap {id} --copy) && printf "%s" "$out"',
    "pipe": '"{companion}" recap {id} --copy | {cat}',
}


@pytest.mark.parametrize("form", sorted(SHELL_FORMS))
@pytest.mark.parametrize("backend", ["xclip", "xsel", "wl-copy"])
def test_recap_copy_in_a_shell_does_not_wait_for_the_helper(
    sample: SamplePractice, fakes: Fakes, backend: str, form: str
) -> None:
    env = dict(os.environ)
    set_backend(fakes, backend, env)
    session_id = sample.first_session.id
    recap = build_recap(load_session_record(sample.store, session_id))  # type: ignore[arg-type]
    script = SHELL_FORMS[form].format(companion=COMPANION, id=session_id, cat=CAT)

    done = run_shell(script, env)

    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n") == recap.rstrip("\n")
    assert "Recap copied to the clipboard." in done.stderr
    assert fakes.store.read_text(encoding="utf-8") == recap  # the helper got the whole text
    assert fakes.alive(), "the fake helper's serving child should still be running"
    assert "SECRET" not in done.stderr


# --- copy_text in process, with misbehaving helpers ----------------------------------------------


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipboard, "_HELPER_TIMEOUT", 0.5)
    monkeypatch.setattr(clipboard, "_SETTLE", 0.2)


def use_fakes(monkeypatch: pytest.MonkeyPatch, fakes: Fakes, display: str = ":97") -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.setenv("PATH", str(fakes.bin))


def test_serving_helper_is_used_detached(
    monkeypatch: pytest.MonkeyPatch, fakes: Fakes, tmp_path: Path
) -> None:
    fakes.serving("xclip", output_flag="-o")
    use_fakes(monkeypatch, fakes)
    result = copy_text(TEXT, fallback_dir=tmp_path / "recaps")
    assert result.method == "clipboard"
    assert fakes.store.read_text(encoding="utf-8") == TEXT
    assert not (tmp_path / "recaps").exists()
    (pid,) = fakes.alive()
    # The serving child has its own session and none of our output streams.
    assert os.getsid(pid) != os.getsid(0)
    for fd in (1, 2):
        assert os.readlink(f"/proc/{pid}/fd/{fd}") == "/dev/null"


def test_helper_stuck_before_forking_is_killed_and_falls_back(
    monkeypatch: pytest.MonkeyPatch, fakes: Fakes, tmp_path: Path, quick: None
) -> None:
    """An X server that never answers: xclip neither reads nor exits. No hang, no leftover."""
    fakes.script("xclip", f'echo $$ >> "{fakes.pids}"\nexec {SLEEP} 30')
    use_fakes(monkeypatch, fakes)
    result = copy_text(TEXT, fallback_dir=tmp_path)
    assert result.method == "file"
    assert result.path is not None and result.path.read_text(encoding="utf-8") == TEXT
    assert fakes.alive() == []


def test_helper_failing_falls_back(
    monkeypatch: pytest.MonkeyPatch, fakes: Fakes, tmp_path: Path
) -> None:
    """DISPLAY set, no X server: xclip says "Can't open display" and exits 1."""
    fakes.script("xclip", f'{CAT} > /dev/null\necho "Error: Can\'t open display" >&2\nexit 1')
    use_fakes(monkeypatch, fakes)
    assert copy_text(TEXT, fallback_dir=tmp_path).method == "file"


def test_read_back_mismatch_falls_back(
    monkeypatch: pytest.MonkeyPatch, fakes: Fakes, tmp_path: Path, quick: None
) -> None:
    fakes.script(
        "xsel",
        f'for a in "$@"; do [ "$a" = "-o" ] && echo other && exit 0; done\n{CAT} > /dev/null',
    )
    use_fakes(monkeypatch, fakes)
    assert copy_text(TEXT, fallback_dir=tmp_path).method == "file"


def test_read_back_that_hangs_falls_back(
    monkeypatch: pytest.MonkeyPatch, fakes: Fakes, tmp_path: Path, quick: None
) -> None:
    fakes.script(
        "xclip",
        f'for a in "$@"; do [ "$a" = "-o" ] && echo $$ >> "{fakes.pids}" && exec {SLEEP} 30; done\n'
        f"{CAT} > /dev/null",
    )
    use_fakes(monkeypatch, fakes)
    started = time.monotonic()
    assert copy_text(TEXT, fallback_dir=tmp_path).method == "file"
    assert time.monotonic() - started < HANG_LIMIT
    assert fakes.alive() == []


# --- the real thing: Xvfb with xclip / xsel ---------------------------------------------------


@pytest.fixture
def x_display() -> Iterator[str]:
    """A private Xvfb; its DISPLAY. The helpers serving its selection end with it."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-nolisten", "tcp", "-screen", "0", "320x240x24"],
        pass_fds=(write_end,),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write_end)
    try:
        number = b""
        deadline = time.monotonic() + 15
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read_end], [], [], 0.2)
            if ready:
                chunk = os.read(read_end, 16)
                if not chunk:
                    break
                number += chunk
        if not number.strip().isdigit():
            pytest.skip("Xvfb did not start")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_end)
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


PASTE = {"xclip": ["-selection", "clipboard", "-o"], "xsel": ["-b", "-o"]}


@pytest.mark.parametrize("form", sorted(SHELL_FORMS))
@pytest.mark.parametrize("backend", ["xclip", "xsel"])
def test_recap_copy_with_a_real_x_clipboard(
    sample: SamplePractice, x_display: str, tmp_path: Path, backend: str, form: str
) -> None:
    tool = shutil.which(backend)
    if tool is None:
        pytest.skip(f"{backend} is not installed (apt-get install {backend})")
    only = tmp_path / "only-bin"  # PATH with this helper alone, so pyperclip picks it
    only.mkdir()
    (only / backend).symlink_to(tool)
    env = dict(os.environ, DISPLAY=x_display, PATH=str(only))
    env.pop("WAYLAND_DISPLAY", None)
    session_id = sample.first_session.id
    recap = build_recap(load_session_record(sample.store, session_id))  # type: ignore[arg-type]

    done = run_shell(SHELL_FORMS[form].format(companion=COMPANION, id=session_id, cat=CAT), env)

    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip("\n") == recap.rstrip("\n")
    assert "Recap copied to the clipboard." in done.stderr
    pasted = subprocess.run(
        [tool, *PASTE[backend]],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=HANG_LIMIT,
        check=True,
    )
    assert pasted.stdout.decode("utf-8").rstrip("\n") == recap.rstrip("\n")
