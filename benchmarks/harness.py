"""What the benchmarks share: a private tmux server to run programs in real panes, the bare
Textual app to compare with, demo practices built once and cached, notes text and statistics.

Times taken through tmux include its own round trips (send-keys / capture-pane, polled every
POLL seconds), the same for both sides of a comparison: the ratios are what count.
"""

from __future__ import annotations

import compileall
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
WIDTH, HEIGHT = 100, 30
POLL = 0.004
CACHE = Path(
    os.environ.get("COMPANION_BENCH_CACHE", Path(tempfile.gettempdir()) / "companion-bench")
)
WORDS = [
    "client",
    "goal",
    "values",
    "energy",
    "team",
    "meeting",
    "confidence",
    "feedback",
    "manager",
    "plan",
    "week",
    "habit",
    "option",
    "reality",
    "choice",
    "courage",
    "boundary",
    "energy",
    "priorities",
    "learning",
    "experiment",
    "sponsor",
    "career",
    "purpose",
    "balance",
    "family",
    "progress",
    "practice",
    "notice",
    "listen",
    "pause",
    "breathe",
    "trust",
]
# Typed one per key when timing the echo: none is in the notes text or in companion's frame,
# so a key has echoed when its letter's count on the screen goes up, wherever it was drawn
# (soft wrap moves the typed word to the next row; the count does not care).
ECHO_LETTERS = "QZXJKVWY"


# -- processes in tmux ---------------------------------------------------------------------------


class Tmux:
    """A private tmux server (`tmux -L NAME`): never the user's own sessions."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.unechoed: list[str] = []
        """Keys type_and_time never saw on the screen (pane name and letter), left out."""
        self.hung: list[str] = []
        """Programs that had not ended 5 s after ctrl+q and 0.5 s after their pane closed."""

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *_: object) -> None:
        self.run("kill-server")

    def run(self, *args: str) -> str:
        command = ["tmux", "-L", self.server, *args]
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    def screen(self, name: str) -> str:
        return self.run("capture-pane", "-p", "-t", name)

    def wait_until(
        self, name: str, shown: Callable[[str], bool], what: str, timeout: float = 30.0
    ) -> float:
        """The perf_counter time when SHOWN(screen) first holds."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if shown(self.screen(name)):
                return time.perf_counter()
            time.sleep(POLL)
        raise TimeoutError(f"{what} never appeared in {name}:\n{self.screen(name)}")

    def wait_for(self, name: str, *markers: str, timeout: float = 30.0) -> float:
        """When all MARKERS are first seen together in the pane."""
        return self.wait_until(
            name, lambda shown: all(m in shown for m in markers), repr(markers), timeout
        )

    def start(self, name: str, command: Sequence[str], env: dict[str, str]) -> float:
        """Start COMMAND in a new WIDTHxHEIGHT pane; the perf_counter time it was started."""
        self.run("kill-session", "-t", name)
        exports = " ".join(f"{key}={value}" for key, value in env.items())
        line = f"env {exports} " + " ".join(command)
        started = time.perf_counter()
        self.run("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), line)
        return started

    def has_session(self, name: str) -> bool:
        command = ["tmux", "-L", self.server, "has-session", "-t", name]
        return subprocess.run(command, capture_output=True, check=False).returncode == 0

    def stop(self, name: str) -> None:
        """Quit with ctrl+q and wait (up to 5 s) for the program to end; then close the pane.
        A program still running after that is killed by its pid and named in `hung`."""
        pid = self.run("display-message", "-p", "-t", name, "#{pane_pid}").strip()
        self.run("send-keys", "-t", name, "C-q")
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline:
            if not self.has_session(name):
                return  # the program ended, and its session with it
            time.sleep(0.05)
        self.run("kill-session", "-t", name)
        time.sleep(0.5)
        if pid.isdigit() and Path(f"/proc/{pid}").exists():
            os.kill(int(pid), signal.SIGKILL)
            self.hung.append(f"{name} (pid {pid})")

    def type_and_time(self, name: str, keys: int) -> list[float]:
        """Type KEYS letters one by one; for each, the seconds until it shows in the pane.

        A letter not shown within 2 s is left out and noted in `unechoed` (companion's notes do
        not scroll to a row that soft wrap opens at the bottom of the pane until the next key:
        see ANALYSIS.md); the next letter's count is taken afresh, so one miss spoils no other.
        """
        times = []
        for index in range(keys):
            letter = ECHO_LETTERS[index % len(ECHO_LETTERS)]
            before = self.screen(name).count(letter)
            sent = time.perf_counter()
            self.run("send-keys", "-t", name, "-l", letter)
            while self.screen(name).count(letter) <= before:
                if time.perf_counter() - sent > 2:
                    self.unechoed.append(f"{name}: {letter}")
                    break
                time.sleep(POLL)
            else:
                times.append(time.perf_counter() - sent)
            time.sleep(0.05)
        return times


def bench_env(workdir: Path) -> dict[str, str]:
    """The environment of programs under test: their own config and data folders."""
    return {
        "TERM": "xterm-256color",
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        "COMPANION_DB": str(workdir / "unused.db"),
        "PYTHONPATH": str(ROOT),
    }


def compile_bytecode() -> None:
    """An installed wheel has its bytecode compiled (pip does it), like Textual's here: without
    this, with PYTHONDONTWRITEBYTECODE set, every companion run would compile its sources."""
    compileall.compile_dir(ROOT / "companion", quiet=1)
    compileall.compile_file(HERE / "bare_app.py", quiet=1)
    compileall.compile_file(HERE / "floor_app.py", quiet=1)


def bare_cmd(text_file: Path | None = None) -> list[str]:
    return [PYTHON, str(HERE / "bare_app.py"), *([str(text_file)] if text_file else [])]


def floor_cmd(mode: str, db: Path) -> list[str]:
    """benchmarks/floor_app.py: what no companion can skip before MODE's screen shows."""
    return [PYTHON, str(HERE / "floor_app.py"), mode, str(db)]


def companion_cmd(*args: str) -> list[str]:
    return [PYTHON, "-m", "companion", *args]


def start_cmd(db: Path, client: str) -> list[str]:
    """`companion --db DB start` for CLIENT (quoted for the shell tmux runs it in)."""
    return companion_cmd("--db", str(db), "start", "--client", f"'{client}'", "--protocol", "grow")


def alternate(run: int) -> tuple[str, str]:
    """The order of the two sides in run RUN: bare first in even runs, second in odd ones."""
    return ("bare", "companion") if run % 2 == 0 else ("companion", "bare")


# -- practices -----------------------------------------------------------------------------------


def notes_text(words: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines, count = [], 0
    while count < words:
        lines.append(" ".join(rng.choice(WORDS) for _ in range(12)))
        count += 12
    return "\n".join(lines) + "\n"


def prepare_db(db_path: Path, text: str, client: str = "Bench") -> None:
    """Begin a GROW session for CLIENT in DB_PATH (created if need be) holding TEXT as notes,
    left unfinished: `companion start --client CLIENT` then offers to resume it."""
    sys.path.insert(0, str(ROOT))
    from companion.core.protocols import ProtocolLibrary
    from companion.services.practice import begin_session
    from companion.store import Store

    store = Store.open(db_path)
    session = begin_session(
        store, ProtocolLibrary.discover(include_user=False), client, protocol_id="grow"
    )
    assert session.id is not None
    store.save_notes(session.id, text)
    store.close()


def run_demo(db: Path, sessions: int, seed: int = 1) -> float:
    """`companion demo --db DB --sessions N` as its own process; the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [*companion_cmd("demo", "--db", str(db), "--sessions", str(sessions), "--seed", str(seed))],
        check=True,
        capture_output=True,
        env={**os.environ, "COMPANION_DB": str(db.with_name("unused.db"))},
    )
    return time.perf_counter() - started


def checkpoint(db: Path) -> None:
    """Fold the write-ahead log into the file, so a copy of the file alone is the whole of it."""
    connection = sqlite3.connect(db)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def demo_db(sessions: int, seed: int = 1) -> tuple[Path, float | None]:
    """A demo practice of SESSIONS sessions, built once into CACHE and kept for reruns: (its
    path, the seconds the build took, or None when it came from the cache)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"demo-{sessions}-seed{seed}.db"
    if db.exists():
        return db, None
    building = db.with_suffix(".building.db")
    for stale in CACHE.glob(building.name + "*"):
        stale.unlink()
    seconds = run_demo(building, sessions, seed)
    checkpoint(building)
    building.rename(db)
    return db, seconds


def working_copy(db: Path, folder: Path) -> Path:
    """A copy of DB in FOLDER to write to, so the cached practice stays as it was built."""
    copy = folder / db.name
    shutil.copyfile(db, copy)
    return copy


# -- figures -------------------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(values: Sequence[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f}, max {ms[-1]:.0f} (n={len(ms)})"


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


# -- side by side --------------------------------------------------------------------------------

Shown = Callable[[str], bool]


def showing(*markers: str) -> Shown:
    """A test of the screen: all MARKERS are on it."""
    return lambda screen: all(marker in screen for marker in markers)


def time_start(
    tmux: Tmux, name: str, command: list[str], env: dict[str, str], *waits: Shown
) -> list[float]:
    """Start COMMAND; the seconds until each of WAITS first holds (in order); then quit it."""
    started = tmux.start(name, command, env)
    times = [
        tmux.wait_until(name, shown, f"{name} screen", timeout=60) - started for shown in waits
    ]
    time.sleep(0.4)  # let it settle before quitting
    tmux.stop(name)
    return times


def starts_side_by_side(
    tmux: Tmux,
    runs: int,
    env: dict[str, str],
    companion: Callable[[int], tuple[list[str], Sequence[Shown]]],
) -> tuple[list[float], list[list[float]]]:
    """First paint of the bare app, alternating with companion's program; COMPANION(run) gives
    its command and the screens to time. (bare times, one list of times per screen)."""
    bare: list[float] = []
    timed: list[list[float]] = []
    for run in range(runs):
        for side in alternate(run):
            if side == "bare":
                bare += time_start(tmux, "bare", bare_cmd(), env, showing("BareApp"))
            else:
                command, waits = companion(run)
                times = time_start(tmux, "companion", command, env, *waits)
                timed = timed or [[] for _ in times]
                for column, seconds in zip(timed, times, strict=True):
                    column.append(seconds)
    return bare, timed


def echo_side_by_side(
    tmux: Tmux,
    runs: int,
    keys: int,
    env: dict[str, str],
    text_file: Path,
    companion: Callable[[int], list[str]],
) -> tuple[list[float], list[float]]:
    """Key echo in the bare TextArea holding TEXT_FILE, alternating with companion's notes:
    COMPANION(run) is a `start` command whose client has an unfinished session with that text
    (it offers to resume it; r does). (bare times, companion times), KEYS per run each."""
    bare: list[float] = []
    live: list[float] = []
    for run in range(runs):
        for side in alternate(run):
            name = f"echo-{side}"
            if side == "bare":
                tmux.start(name, bare_cmd(text_file), env)
                tmux.wait_for(name, "BareApp")
            else:
                tmux.start(name, companion(run), env)
                tmux.wait_for(name, "esume", timeout=60)  # the offer to resume the session
                tmux.run("send-keys", "-t", name, "r")
                tmux.wait_for(name, "Session agreement", timeout=60)
            time.sleep(1.0)
            (bare if side == "bare" else live).extend(tmux.type_and_time(name, keys))
            tmux.stop(name)
    return bare, live
