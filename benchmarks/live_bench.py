"""Live-screen speed, measured side by side with a bare Textual app in real tmux panes.

    python benchmarks/live_bench.py [--runs 7] [--keys 25] [--out benchmarks/results-live.md]

1. First paint: time from starting the program in a new tmux pane (100x30) until its screen
   shows (bare app: its title; companion: the live screen's frame with the client's name and the
   notes pane), alternating runs. Also "ready": until companion shows the protocol's first step
   (the store opened, the session created and the screen filled in).
2. Key echo: with notes holding 20,000 words (cursor at the end), time from `send-keys` of a
   letter until it appears in the pane, for the bare TextArea and for companion's notes pane.

Each companion run gets a new, empty database; `speed_bench.py` does the same on demo practices
of 100 to 50,000 sessions.

"ready" is companion's first paint plus opening the practice after it (pydantic, sqlite-utils,
the database, the protocols; a worker thread, so typing echoes meanwhile) and creating the session.
The bytecode of both sides is compiled beforehand, as an installed package's is.

Times include tmux's own round trips, the same for both sides; the ratios are what count.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path

from harness import (
    HEIGHT,
    HERE,
    POLL,
    WIDTH,
    Tmux,
    bench_env,
    compile_bytecode,
    echo_side_by_side,
    machine,
    notes_text,
    prepare_db,
    showing,
    start_cmd,
    starts_side_by_side,
    summary,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=25)
    parser.add_argument("--out", type=Path, default=HERE / "results-live.md")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("live_bench: tmux is needed")
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp, Tmux("companion-live-bench") as tmux:
        workdir = Path(tmp)
        env = bench_env(workdir)

        def paint(run: int) -> tuple[list[str], list]:
            command = start_cmd(workdir / f"paint-{run}.db", f"Paint {run}")
            return command, [showing(f"Paint {run}", "Notes"), showing("Step 1 of")]

        paint_bare, (paint_live, ready_live) = starts_side_by_side(tmux, args.runs, env, paint)
        text = notes_text(20_000)
        text_file = workdir / "notes.txt"
        text_file.write_text(text)

        def echo(run: int) -> list[str]:
            db = workdir / f"echo-{run}.db"
            prepare_db(db, text)
            return start_cmd(db, "Bench")

        echo_bare, echo_live = echo_side_by_side(
            tmux, max(2, args.runs // 2), args.keys, env, text_file, echo
        )
    paint_ratio = statistics.median(paint_live) / statistics.median(paint_bare)
    ready_ratio = statistics.median(ready_live) / statistics.median(paint_bare)
    echo_ratio = statistics.median(echo_live) / statistics.median(echo_bare)
    report = f"""# Live screen speed

Measured {date.today().isoformat()} by
`python benchmarks/live_bench.py --runs {args.runs} --keys {args.keys}` on {machine()},
in tmux panes of {WIDTH}x{HEIGHT}, alternating the two sides run by run.

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
