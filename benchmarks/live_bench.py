"""Live-screen speed, measured side by side with a bare Textual app in real tmux panes.

    python benchmarks/live_bench.py [--runs 7] [--keys 25] [--out benchmarks/results-live.md]

1. First paint: time from starting the program in a new tmux pane (100x30) until its screen
   shows (bare app: its title; companion: the live screen's frame with the client's name and the
   notes pane), alternating runs. Also "ready": until companion shows the protocol's first step
   (the store opened, the session created and the screen filled in).
2. Key echo: with notes holding 20,000 words (cursor at the end), time from `send-keys` of a
   letter until it appears in the pane, for the bare TextArea and for companion's notes pane.

"ready" is companion's first paint plus opening the practice after it (pydantic, sqlite-utils,
the database, the protocols; a worker thread, so typing echoes meanwhile) and creating the session.
The bytecode of both sides is compiled beforehand, as an installed package's is.

Times include tmux's own round trips, the same for both sides; the ratios are what count.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
WIDTH, HEIGHT = 100, 30
POLL = 0.004
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


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def wait_for(name: str, *markers: str, timeout: float = 20.0) -> float:
    """When all MARKERS are first seen together in the pane."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        shown = screen(name)
        if all(marker in shown for marker in markers):
            return time.perf_counter()
        time.sleep(POLL)
    raise TimeoutError(f"{markers!r} never appeared in {name}:\n{screen(name)}")


def start(name: str, command: list[str], env: dict[str, str]) -> float:
    tmux("kill-session", "-t", name)
    exports = " ".join(f"{key}={value}" for key, value in env.items())
    line = f"env {exports} " + " ".join(command)
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", name, "-x", str(WIDTH), "-y", str(HEIGHT), line)
    return started


def stop(name: str) -> None:
    tmux("send-keys", "-t", name, "C-q")
    time.sleep(0.3)
    tmux("kill-session", "-t", name)


def notes_text(words: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines, count = [], 0
    while count < words:
        line = " ".join(rng.choice(WORDS) for _ in range(12))
        lines.append(line)
        count += 12
    return "\n".join(lines) + "\n"


def prepare_db(db_path: Path, text: str) -> None:
    sys.path.insert(0, str(HERE.parent))
    from companion.practice import begin_session
    from companion.protocols import ProtocolLibrary
    from companion.store import Store

    store = Store.open(db_path)
    session = begin_session(
        store, ProtocolLibrary.discover(include_user=False), "Bench", protocol_id="grow"
    )
    assert session.id is not None
    store.save_notes(session.id, text)
    store.close()


def companion_cmd(db: Path, client: str) -> list[str]:
    return [
        PYTHON,
        "-m",
        "companion",
        "--db",
        str(db),
        "start",
        "--client",
        f"'{client}'",
        "--protocol",
        "grow",
    ]


def measure_paint(
    runs: int, workdir: Path, env: dict[str, str]
) -> tuple[list[float], list[float], list[float]]:
    bare, live, ready = [], [], []
    for run in range(runs):
        for side in ("bare", "live") if run % 2 == 0 else ("live", "bare"):
            name = f"bench-{side}"
            if side == "bare":
                started = start(name, [PYTHON, str(HERE / "bare_app.py")], env)
                bare.append(wait_for(name, "BareApp") - started)
            else:
                db = workdir / f"paint-{run}.db"
                started = start(name, companion_cmd(db, f"Paint {run}"), env)
                live.append(wait_for(name, f"Paint {run}", "Notes") - started)
                ready.append(wait_for(name, "Step 1 of") - started)
            time.sleep(0.4)  # let it settle before quitting
            stop(name)
    return bare, live, ready


def type_and_time(name: str, keys: int) -> list[float]:
    times = []
    for index in range(keys):
        letter = "QZX"[index % 3]
        before = screen(name).count(letter)
        sent = time.perf_counter()
        tmux("send-keys", "-t", name, "-l", letter)
        while screen(name).count(letter) <= before:
            if time.perf_counter() - sent > 5:
                raise TimeoutError(f"{letter!r} not echoed:\n{screen(name)}")
            time.sleep(POLL)
        times.append(time.perf_counter() - sent)
        time.sleep(0.05)
    return times


def measure_echo(
    runs: int, keys: int, workdir: Path, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    text = notes_text(20_000)
    text_file = workdir / "notes.txt"
    text_file.write_text(text)
    bare, live = [], []
    for run in range(runs):
        for side in ("bare", "live") if run % 2 == 0 else ("live", "bare"):
            name = f"echo-{side}"
            if side == "bare":
                start(name, [PYTHON, str(HERE / "bare_app.py"), str(text_file)], env)
                wait_for(name, "BareApp")
            else:
                db = workdir / f"echo-{run}.db"
                prepare_db(db, text)
                start(name, companion_cmd(db, "Bench"), env)
                wait_for(name, "esume")  # the offer to resume the unfinished session
                tmux("send-keys", "-t", name, "r")
                wait_for(name, "Session agreement")
            time.sleep(1.0)
            (bare if side == "bare" else live).extend(type_and_time(name, keys))
            stop(name)
    return bare, live


def summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return f"median {statistics.median(ms):.0f} ms, min {ms[0]:.0f}, max {ms[-1]:.0f} (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=25)
    parser.add_argument("--out", type=Path, default=HERE / "results-live.md")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("live_bench: tmux is needed")
    # An installed wheel has its bytecode compiled (pip does it), like Textual's here: without
    # this, with PYTHONDONTWRITEBYTECODE set, every companion run would compile its sources.
    compileall.compile_dir(HERE.parent / "companion", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = {
            "TERM": "xterm-256color",
            "XDG_CONFIG_HOME": str(workdir / "config"),
            "XDG_DATA_HOME": str(workdir / "data"),
            "PYTHONPATH": str(HERE.parent),
        }
        paint_bare, paint_live, ready_live = measure_paint(args.runs, workdir, env)
        echo_bare, echo_live = measure_echo(max(2, args.runs // 2), args.keys, workdir, env)
    paint_ratio = statistics.median(paint_live) / statistics.median(paint_bare)
    ready_ratio = statistics.median(ready_live) / statistics.median(paint_bare)
    echo_ratio = statistics.median(echo_live) / statistics.median(echo_bare)
    report = f"""# Live screen speed

Measured {date.today().isoformat()} by
`python benchmarks/live_bench.py --runs {args.runs} --keys {args.keys}` on {os.cpu_count()} cores,
Python {platform.python_version()}, in tmux panes of {WIDTH}x{HEIGHT}, alternating the two sides
run by run.

| measure | bare Textual app | companion live screen | ratio | target |
|---|---|---|---|---|
| first paint | {summary(paint_bare)} | {summary(paint_live)} | {paint_ratio:.2f} | <= 1.3 |
| ready (first step shown) | (first paint above) | {summary(ready_live)} | {ready_ratio:.2f} | — |
| key echo, notes of 20,000 words | {summary(echo_bare)} | {summary(echo_live)} \
| {echo_ratio:.2f} | <= 1.2 |

"ready" is companion's first paint plus opening the practice after it (pydantic, sqlite-utils,
the database, the protocols; a worker thread, so typing echoes meanwhile) and creating the session.
The bytecode of both sides is compiled beforehand, as an installed package's is.

Times include tmux's own round trips (send-keys / capture-pane polled every {POLL * 1000:.0f} ms),
the same for both sides.
"""
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
