"""Speed with a big practice, measured side by side with a bare Textual app (issue 8 point 6).

    python benchmarks/speed_bench.py [--quick] [--runs 7] [--keys 25] [--sizes 100,10000,50000]

Builds demo practices (`companion demo --sessions N`, cached in $COMPANION_BENCH_CACHE, else
TMP/companion-bench, by size, so reruns skip it) and, on a copy of each, in a private tmux server
(100x30 panes), alternating run by run with the bare app (benchmarks/bare_app.py):

- live screen (`companion start`): first paint, and ready (the protocol's first step shown),
  against the bare app's first paint;
- home (`companion`) and review (`companion review`): first meaningful paint, the client list
  shown, against the bare app's first paint;
- key echo in notes of 20,000 words against the bare TextArea holding the same text (each key a
  letter found nowhere else on the screen: it has echoed when that letter's count goes up,
  wherever soft wrap put it);
- search: the store's search in-process over varied queries (p95), `companion search` as a
  process against `python -c "import sqlite_utils"`, and `companion sessions --json`'s peak RSS;
- the event loop's longest block (every asyncio callback timed) during a step change, a form save
  and a follow-up mark on the live screen, in-process under Pilot (benchmarks/loop_lag.py).

Then each figure at the largest size against the middle one. Writes benchmarks/RESULTS.md;
the analysis by hand is in benchmarks/ANALYSIS.md, which this never writes. `--quick` (3 runs,
10 keys, sizes 100, 1,000 and 5,000) is for trying the benchmark out, not for figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import loop_lag
from harness import (
    CACHE,
    HEIGHT,
    HERE,
    POLL,
    PYTHON,
    WIDTH,
    Shown,
    Tmux,
    alternate,
    bench_env,
    companion_cmd,
    compile_bytecode,
    demo_db,
    echo_side_by_side,
    floor_cmd,
    machine,
    notes_text,
    p95,
    prepare_db,
    showing,
    start_cmd,
    starts_side_by_side,
    working_copy,
)

RESULTS = HERE / "RESULTS.md"
TIME = "/usr/bin/time"  # GNU time, for a child's peak RSS
# What a coach looks for: words of the demo's notes, agreements, actions and takeaways, stems,
# two words together, a client's name, and words found nowhere.
QUERIES = [
    "deleg",
    "confidence",
    "manager feedback",
    "values job",
    "team meeting",
    "interview",
    "weekly report",
    "price",
    "sleep",
    "energy",
    "career",
    "evening courses",
    "report checklist",
    "Sam",
    "boundary",
    "promotion",
    "zzzqx",
    "former colleagues",
    "body speaking",
    "tasks only",
]
SHORT_QUERIES = ["a", "th", "de", "s"]  # the first letters typed: reported, not a target


@dataclass
class Figure:
    """One measure at one size: companion's values, the baseline's (if any), the target."""

    name: str
    values: list[float]
    unit: str = "ms"
    baseline: list[float] = field(default_factory=list)
    baseline_name: str = "bare app"
    target: float | None = None  # on the ratio to the baseline, or on the value if no baseline
    stat: Callable[[list[float]], float] = statistics.median
    stat_name: str = "median"
    scale_by_median: bool = False
    """Compare sizes by the median, not by the stat (for a max that noise sets)."""

    @property
    def scaled(self) -> tuple[float, str]:
        """The value the sizes are compared by, and its name."""
        if self.scale_by_median:
            return statistics.median(self.values), "median"
        return self.value, self.stat_name

    @property
    def value(self) -> float:
        return self.stat(self.values)

    @property
    def ratio(self) -> float | None:
        return self.value / self.stat(self.baseline) if self.baseline else None

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return (self.ratio if self.ratio is not None else self.value) <= self.target


def ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


def cell(values: list[float], unit: str) -> str:
    if not values:
        return "—"
    return (
        f"median {statistics.median(values):,.1f}, min {min(values):,.1f}, "
        f"max {max(values):,.1f}, p95 {p95(values):,.1f} {unit} (n={len(values)})"
    )


def client_list_shown(db: Path) -> Shown:
    """A test of the home screen: some of the practice's first clients (by name) are listed."""
    connection = sqlite3.connect(db)
    try:
        names = {
            name
            for order in ("name", "name COLLATE NOCASE", "lower(name)")
            for (name,) in connection.execute(f"SELECT name FROM clients ORDER BY {order} LIMIT 30")
        }
    finally:
        connection.close()
    return lambda screen: sum(name in screen for name in names) >= 3


def client_table_shown(db: Path) -> Shown:
    """A test of the review screen: its line under the table of clients counts them all (it is
    written with the rows; the names may be cut short to fit the column)."""
    connection = sqlite3.connect(db)
    try:
        (count,) = connection.execute("SELECT count(*) FROM clients").fetchone()
    finally:
        connection.close()
    return showing(f"{count} clients ·")


def in_process_search(db: Path, queries: list[str], repeats: int) -> list[float]:
    """Seconds per call of the store's own search, each query REPEATS times, round-robin."""
    sys.path.insert(0, str(HERE.parent))
    from companion.store import Store

    store = Store.open(db)
    try:
        store.search("warm up")
        times = []
        for _ in range(repeats):
            for query in queries:
                started = time.perf_counter()
                store.search(query)
                times.append(time.perf_counter() - started)
        return times
    finally:
        store.close()


def timed_process(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run COMMAND to its end, output discarded: (wall seconds, peak RSS in MiB).

    The RSS is GNU time's (%M): the child of a small process. Our own child's ru_maxrss would
    count this big process's pages, which the child shares from the fork until its exec.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [TIME, "-f", "%M", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{command} failed: {done.stderr}")
    return seconds, int(done.stderr.split()[-1]) / 1024  # KiB


def processes_side_by_side(
    runs: int, command: list[str], baseline: list[str], env: dict[str, str]
) -> tuple[list[float], list[float], list[float]]:
    """(baseline seconds, command seconds, command peak RSS MiB), alternating run by run."""
    base, timed, rss = [], [], []
    for run in range(runs):
        for side in alternate(run):
            if side == "bare":
                base.append(timed_process(baseline, env)[0])
            else:
                seconds, peak = timed_process(command, env)
                timed.append(seconds)
                rss.append(peak)
    return base, timed, rss


def search_figures(db: Path, runs: int, env: dict[str, str]) -> list[Figure]:
    """Search in-process and as a process, and `sessions --json`, on the practice DB."""
    figures: list[Figure] = []
    searches = ms(in_process_search(db, QUERIES, repeats=max(3, runs)))
    figures.append(Figure("search in-process, p95", searches, target=20, stat=p95, stat_name="p95"))
    short = ms(in_process_search(db, SHORT_QUERIES, repeats=max(3, runs)))
    figures.append(Figure("search in-process, 1-2 letters, p95", short, stat=p95, stat_name="p95"))

    importing, searching, _ = processes_side_by_side(
        runs,
        companion_cmd("--db", str(db), "search", "manager feedback"),
        [PYTHON, "-c", "import sqlite_utils"],
        env,
    )
    figures.append(
        Figure(
            "`companion search` process",
            ms(searching),
            baseline=ms(importing),
            baseline_name="`python -c 'import sqlite_utils'`",
            target=2.0,
        )
    )
    _, listing, rss = processes_side_by_side(
        max(3, runs // 2),
        companion_cmd("--db", str(db), "sessions", "--json"),
        [PYTHON, "-c", "pass"],
        env,
    )
    figures.append(Figure("`companion sessions --json` time", ms(listing)))
    figures.append(
        Figure(
            "`companion sessions --json` peak RSS",
            rss,
            unit="MiB",
            target=60,
            stat=max,
            stat_name="max",
        )
    )
    return figures


def measure_size(
    tmux: Tmux, sessions: int, runs: int, keys: int, workdir: Path, log: Callable[[str], None]
) -> tuple[list[Figure], str]:
    cached, built = demo_db(sessions)
    note = f"built in {built:.1f} s" if built is not None else "from the cache"
    log(f"{sessions:,} sessions: {cached} ({note})")
    folder = workdir / str(sessions)
    folder.mkdir()
    db = working_copy(cached, folder)
    env = bench_env(folder)
    process_env = {**os.environ, **env}
    figures = []

    # Home and review first, while the copy is as built (the live runs add unfinished sessions).
    for label, args, listed in (
        ("home", (), client_list_shown(db)),
        ("review", ("review",), client_table_shown(db)),
    ):
        bare, (shown,) = starts_side_by_side(
            tmux,
            runs,
            env,
            lambda run, a=args, w=listed: (companion_cmd("--db", str(db), *a), [w]),
        )
        figures.append(
            Figure(f"{label}: client list shown", ms(shown), baseline=ms(bare), target=1.5)
        )
        log(f"  {label} done")
    bare, (shown,) = starts_side_by_side(
        tmux, runs, env, lambda run: (floor_cmd("list", db), [client_list_shown(db)])
    )
    figures.append(
        Figure(
            "floor of home and review: the client list shown by a bare app that imports "
            "pydantic and sqlite-utils and reads the names",
            ms(shown),
            baseline=ms(bare),
        )
    )
    log("  their floor done")

    figures += search_figures(db, runs, process_env)
    log("  search and sessions done")

    def live(run: int) -> tuple[list[str], list[Shown]]:
        client = f"Paint {run}"
        return start_cmd(db, client), [showing(client, "Notes"), showing("Step 1 of")]

    bare, (paint, ready) = starts_side_by_side(tmux, runs, env, live)
    figures.append(Figure("live screen: first paint", ms(paint), baseline=ms(bare), target=1.2))
    figures.append(
        Figure("live screen: ready (step 1 shown)", ms(ready), baseline=ms(bare), target=1.8)
    )
    log("  live screen done")
    bare, (paint, ready) = starts_side_by_side(
        tmux,
        runs,
        env,
        lambda run: (floor_cmd("live", db), [showing("Notes"), showing("Step 1 of")]),
    )
    figures.append(
        Figure("floor of the live screen: three panes painted", ms(paint), baseline=ms(bare))
    )
    figures.append(
        Figure(
            "floor of the live screen ready: the panes, then pydantic, sqlite-utils and the "
            "notes read",
            ms(ready),
            baseline=ms(bare),
        )
    )
    log("  its floor done")

    text = notes_text(20_000)
    text_file = folder / "notes.txt"
    text_file.write_text(text)

    def echo(run: int) -> list[str]:
        client = f"Echo {run}"
        prepare_db(db, text, client)
        return start_cmd(db, client)

    echo_bare, echo_live = echo_side_by_side(tmux, runs, keys, env, text_file, echo)
    baseline = "bare TextArea"
    figures.append(
        Figure(
            "key echo, 20,000 words: median",
            ms(echo_live),
            baseline=ms(echo_bare),
            baseline_name=baseline,
            target=1.1,
        )
    )
    figures.append(
        Figure(
            "key echo, 20,000 words: p95",
            ms(echo_live),
            baseline=ms(echo_bare),
            baseline_name=baseline,
            target=1.3,
            stat=p95,
            stat_name="p95",
        )
    )
    log("  key echo done")
    # Search again, the echo runs' sessions of 20,000 words now in the practice: informative.

    searches = ms(in_process_search(db, QUERIES, repeats=max(3, runs)))
    figures.append(
        Figure(
            "search in-process, p95, with 20,000-word notes added",
            searches,
            stat=p95,
            stat_name="p95",
        )
    )

    for kind, blocks in loop_lag.measure(db, rounds=max(2, runs // 3)).items():
        target = None if kind.startswith("bare") else loop_lag.LIMIT * 1000
        figures.append(
            Figure(
                f"event loop longest block: {kind}",
                ms(blocks),
                target=target,
                stat=max,
                stat_name="max",
                scale_by_median=True,  # one GC pause or noisy neighbour sets a max
            )
        )
    log("  event loop done")
    shutil.rmtree(folder)
    return figures, note


def verdict(met: bool | None) -> str:
    return "—" if met is None else ("met" if met else "**missed**")


def size_table(sessions: int, note: str, figures: list[Figure]) -> list[str]:
    lines = [
        f"### {sessions:,} sessions (demo practice {note})",
        "",
        "| measure | companion | baseline | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        if f.ratio is not None:
            ratio = f"{f.ratio:.2f} ({f.stat_name}s)"
            target = "" if f.target is None else f"ratio <= {f.target:g}"
            base = f"{f.baseline_name}: {cell(f.baseline, f.unit)}"
        else:
            ratio, base = "", ""
            target = "" if f.target is None else f"{f.stat_name} < {f.target:g} {f.unit}"
        lines.append(
            f"| {f.name} | {cell(f.values, f.unit)} | {base} | {ratio} | {target} "
            f"| {verdict(f.met)} |"
        )
    return [*lines, ""]


def scaling_table(small: int, large: int, by_size: dict[int, list[Figure]]) -> list[str]:
    lines = [
        f"### {large:,} against {small:,} sessions",
        "",
        f"Each figure's value (its median, p95 or max, as above; for the event loop's blocks the "
        f"median) at {large:,} sessions over its value at {small:,}; the target is <= 1.25.",
        "",
        f"| measure | {small:,} | {large:,} | ratio | |",
        "|---|---|---|---|---|",
    ]
    for before, after in zip(by_size[small], by_size[large], strict=True):
        (was, stat), (now, _) = before.scaled, after.scaled
        ratio = now / was
        lines.append(
            f"| {after.name} ({stat}) | {was:,.1f} {before.unit} "
            f"| {now:,.1f} {after.unit} | {ratio:.2f} | {verdict(ratio <= 1.25)} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, 10 keys, small practices")
    parser.add_argument("--runs", type=int, help="runs of each side (default 7; quick 3)")
    parser.add_argument("--keys", type=int, help="keys typed per echo run (default 25; quick 10)")
    parser.add_argument(
        "--sizes",
        help="practice sizes, comma-separated (3: the 2nd is the one "
        "targets are for, the 3rd is compared with it)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    keys = args.keys or (10 if args.quick else 25)
    default_sizes = "100,1000,5000" if args.quick else "100,10000,50000"
    sizes = [int(size) for size in (args.sizes or default_sizes).split(",")]
    if not shutil.which("tmux") or not Path(TIME).exists():
        sys.exit(f"speed_bench: tmux and GNU time ({TIME}) are needed")
    compile_bytecode()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", flush=True)

    by_size: dict[int, list[Figure]] = {}
    sections: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, Tmux(f"companion-bench-{os.getpid()}") as tmux:
        for sessions in sizes:
            figures, note = measure_size(tmux, sessions, runs, keys, Path(tmp), log)
            by_size[sessions] = figures
            sections += size_table(sessions, note, figures)
    if len(sizes) >= 3:
        sections += scaling_table(sizes[1], sizes[2], by_size)
    command = "python benchmarks/speed_bench.py" + (" --quick" if args.quick else "")
    if args.runs or args.keys or args.sizes:
        command += f" --runs {runs} --keys {keys} --sizes {','.join(map(str, sizes))}"
    report = [
        "# Speed, measured side by side (issue 8 point 6)",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} by `{command}` ({runs} runs of each side, "
        f"{keys} keys per echo run) in {time.perf_counter() - started:.0f} s on {machine()}.",
        f"Programs ran in tmux panes of {WIDTH}x{HEIGHT} (a private server), companion and its "
        f"baseline alternating run by run; screens polled every {POLL * 1000:.0f} ms, so times "
        "include tmux's round trips, the same for both sides. Demo practices are cached in "
        f"`{CACHE}`. Ratios divide companion's median (or p95) by the baseline's.",
        "",
        "Baselines: the bare Textual app (`benchmarks/bare_app.py`: Header, a focused TextArea, "
        "Footer) for paints, ready and echo (there holding the same 20,000 words);",
        "`python -c 'import sqlite_utils'` for `companion search`.",
        "The targets hold on the practice of "
        + (f"{sizes[1]:,}" if len(sizes) > 1 else f"{sizes[0]:,}")
        + " sessions; the others are shown against the same targets.",
        "",
        "Where the time goes and what is missed: see [ANALYSIS.md](ANALYSIS.md) (written by "
        "hand; a rerun does not change it).",
        "",
        *sections,
        f"Unechoed keys (left out of the echo figures): {', '.join(tmux.unechoed) or 'none'}. "
        "Programs still running 5 s after ctrl+q and 0.5 s after their pane closed (killed): "
        f"{', '.join(tmux.hung) or 'none'}.",
        "",
    ]
    args.out.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))


if __name__ == "__main__":
    main()
