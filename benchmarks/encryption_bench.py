"""The cost of encryption, measured: the encrypted practice against the same practice plain
(issue 13 point 4).

    python benchmarks/encryption_bench.py [--quick] [--runs 7] [--keys 25] [--sessions 10000]

One demo practice (cached, see harness.demo_db) copied twice: one copy left plain, the other
encrypted by companion's own `rewrite` (SQLCipher 4 at its default settings). Run by run,
alternating which goes first, in a private tmux server (100x30 panes):

- live screen (`companion start`): first paint, and ready after unlocking (the protocol's first
  step shown; the passphrase from $COMPANION_PASSPHRASE, so the unlocking is in the figure);
- key echo in notes of 20,000 words (a resumed session);
- search: the store's search in-process (p95 over varied queries) and `companion search` as a
  process;
- the key derivation alone: opening the file and reading its first page, with the key (PBKDF2
  at SQLCipher's default rounds) and without.

Target: every figure within 1.25x of the plain practice's, the key derivation aside. Writes
benchmarks/results-encryption.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from harness import (
    HEIGHT,
    HERE,
    ROOT,
    WIDTH,
    Tmux,
    alternate,
    bench_env,
    companion_cmd,
    compile_bytecode,
    demo_db,
    machine,
    notes_text,
    prepare_db,
    showing,
    start_cmd,
    time_start,
    working_copy,
)
from speed_bench import QUERIES, Figure, cell, in_process_search, timed_process, verdict

sys.path.insert(0, str(ROOT))

from companion.services import passphrase
from companion.store import Store, cipher
from companion.store.recrypt import rewrite

RESULTS = HERE / "results-encryption.md"
KEY = "a bench passphrase, long enough to be typical"
TARGET = 1.25


def encrypted_copy(plain: Path, folder: Path) -> Path:
    """PLAIN copied into FOLDER and encrypted with KEY, as `companion encrypt` does."""
    copy = working_copy(plain, folder)
    rewrite(Store.open(copy), "", KEY)
    passphrase.opened_with(copy, KEY)  # this process's later opens (prepare_db, search)
    return copy


def side_by_side(runs: int, measure: Callable[[str], list[float]]) -> dict[str, list[list[float]]]:
    """MEASURE('plain') and MEASURE('encrypted') alternating run by run: each side's columns."""
    found: dict[str, list[list[float]]] = {"plain": [], "encrypted": []}
    for run in range(runs):
        for side in alternate(run):
            which = "plain" if side == "bare" else "encrypted"
            values = measure(which)
            columns = found[which] or [[] for _ in values]
            for column, value in zip(columns, values, strict=True):
                column.append(value)
            found[which] = columns
    return found


def lib_search(db: Path, repeats: int) -> list[float]:
    """Seconds per search on the plain DB opened through SQLCipher's library, without a key."""
    from sqlite_utils import Database

    connection = cipher.connect(db, "", check_same_thread=False)
    connection.execute(f"PRAGMA cache_size = -{cipher.CACHE_KIB}")
    store = Store(Database(connection, execute_plugins=False), db)
    try:
        store.search("warm up")
        times = []
        for _ in range(repeats):
            for query in QUERIES:
                started = time.perf_counter()
                store.search(query)
                times.append(time.perf_counter() - started)
        return times
    finally:
        store.db.close()


def kdf_seconds(db: Path, key: str | None, runs: int) -> list[float]:
    """Opening DB and reading its first page: with KEY, SQLCipher's key derivation included."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        if key is None:
            connection = sqlite3.connect(db)
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        else:
            connection = cipher.connect(db, key)
        times.append(time.perf_counter() - started)
        connection.close()
    return times


def ms(values: list[float]) -> list[float]:
    return [v * 1000 for v in values]


def figure(name: str, plain: list[float], encrypted: list[float], **options: object) -> Figure:
    return Figure(
        name,
        ms(encrypted),
        baseline=ms(plain),
        baseline_name="plain",
        target=options.pop("target", TARGET),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def measure(tmux: Tmux, sessions: int, runs: int, keys: int, workdir: Path) -> list[Figure]:
    cached, _ = demo_db(sessions)
    folders = {side: workdir / side for side in ("plain", "encrypted")}
    for folder in folders.values():
        folder.mkdir()
    dbs = {
        "plain": working_copy(cached, folders["plain"]),
        "encrypted": encrypted_copy(cached, folders["encrypted"]),
    }
    envs = {side: bench_env(folders[side]) for side in dbs}
    envs["encrypted"]["COMPANION_PASSPHRASE"] = f"'{KEY}'"  # quoted for tmux's shell
    process_envs = {side: {**os.environ, **bench_env(folders[side])} for side in dbs}
    process_envs["encrypted"]["COMPANION_PASSPHRASE"] = KEY
    figures: list[Figure] = []

    counter = iter(range(10**6))

    def live(side: str) -> list[float]:
        client = f"Paint {next(counter)}"
        command = start_cmd(dbs[side], client)
        return time_start(
            tmux, side, command, envs[side], showing(client, "Notes"), showing("Step 1 of")
        )

    found = side_by_side(runs, live)
    figures.append(figure("live screen: first paint", found["plain"][0], found["encrypted"][0]))
    figures.append(
        figure("live screen: ready after unlocking", found["plain"][1], found["encrypted"][1])
    )
    print("  live screen done", flush=True)

    text = notes_text(20_000)

    def echo(side: str) -> list[float]:
        client = f"Echo {next(counter)}"
        prepare_db(dbs[side], text, client)
        name = f"echo-{side}"
        tmux.start(name, start_cmd(dbs[side], client), envs[side])
        tmux.wait_for(name, "esume", timeout=60)
        tmux.run("send-keys", "-t", name, "r")
        tmux.wait_for(name, "Session agreement", timeout=60)
        time.sleep(1.0)
        times = tmux.type_and_time(name, keys)
        tmux.stop(name)
        return [statistics.median(times)] if times else []

    found = side_by_side(runs, echo)
    figures.append(
        figure(
            "key echo, 20,000 words (median of each run)", found["plain"][0], found["encrypted"][0]
        )
    )
    print("  key echo done", flush=True)

    searches = {side: in_process_search(dbs[side], QUERIES, max(3, runs)) for side in dbs}
    figures.append(
        figure(
            "search in-process, p95",
            searches["plain"],
            searches["encrypted"],
            stat=lambda v: sorted(v)[round(0.95 * (len(v) - 1))],
            stat_name="p95",
        )
    )

    # The same plain file through SQLCipher's own SQLite (no key): what the library costs, apart
    # from the encryption (SQLCipher bundles its SQLite; Python's sqlite3 has the system's).
    library = lib_search(dbs["plain"], max(3, runs))
    figures.append(
        figure(
            "search in-process, p95: plain file through SQLCipher's SQLite",
            searches["plain"],
            library,
            stat=lambda v: sorted(v)[round(0.95 * (len(v) - 1))],
            stat_name="p95",
            target=None,
        )
    )
    figures.append(
        Figure(
            "search in-process, p95: encrypted against the same library, plain",
            ms(searches["encrypted"]),
            baseline=ms(library),
            baseline_name="plain via SQLCipher's SQLite",
            target=TARGET,
            stat=lambda v: sorted(v)[round(0.95 * (len(v) - 1))],
            stat_name="p95",
        )
    )

    def search_process(side: str) -> list[float]:
        command = companion_cmd("--db", str(dbs[side]), "search", "manager feedback")
        return [timed_process(command, process_envs[side])[0]]

    found = side_by_side(runs, search_process)
    figures.append(figure("`companion search` process", found["plain"][0], found["encrypted"][0]))
    print("  search done", flush=True)

    cipher.forget_keys()  # each open below derives the key again, as a new start does
    kdf_plain = kdf_seconds(dbs["plain"], None, runs)
    kdf_encrypted = []
    for _ in range(runs):
        cipher.forget_keys()
        kdf_encrypted += kdf_seconds(dbs["encrypted"], KEY, 1)
    figures.append(
        figure(
            f"key derivation: open + first page (kdf_iter {cipher.default_kdf_iterations():,})",
            kdf_plain,
            kdf_encrypted,
            target=None,
        )
    )
    # What a start pays beyond the key derivation (once per start): the target's figures.
    kdf = statistics.median(kdf_encrypted) * 1000
    for name in ("live screen: ready after unlocking", "`companion search` process"):
        (whole,) = [f for f in figures if f.name == name]
        whole.target = None
        figures.append(
            Figure(
                f"{name}, less the key derivation",
                [value - kdf for value in whole.values],
                baseline=whole.baseline,
                baseline_name="plain",
                target=TARGET,
            )
        )
    return figures


def table(sessions: int, figures: list[Figure]) -> list[str]:
    lines = [
        f"### {sessions:,} sessions",
        "",
        "| measure | encrypted | plain | ratio | target | |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        ratio = f"{f.ratio:.2f} ({f.stat_name}s)" if f.ratio is not None else "—"
        target = "aside" if f.target is None else f"<= {f.target:g}"
        lines.append(
            f"| {f.name} | {cell(f.values, f.unit)} | {cell(f.baseline, f.unit)} | {ratio} "
            f"| {target} | {verdict(f.met)} |"
        )
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, 10 keys, 1,000 sessions")
    parser.add_argument("--runs", type=int, help="runs of each side (default 7; quick 3)")
    parser.add_argument("--keys", type=int, help="keys typed per echo run (default 25; quick 10)")
    parser.add_argument("--sessions", type=int, help="practice size (default 10,000; quick 1,000)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    keys = args.keys or (10 if args.quick else 25)
    sessions = args.sessions or (1000 if args.quick else 10_000)
    if not shutil.which("tmux") or not cipher.installed():
        sys.exit("encryption_bench: tmux and SQLCipher (pip install '.[encryption]') are needed")
    compile_bytecode()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Tmux(f"companion-enc-{os.getpid()}") as tmux:
        figures = measure(tmux, sessions, runs, keys, Path(tmp))
        unechoed = ", ".join(tmux.unechoed) or "none"
    command = "python benchmarks/encryption_bench.py" + (" --quick" if args.quick else "")
    report = [
        "# The cost of encryption, measured (issue 13 point 4)",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} by `{command}` ({runs} runs of each side, "
        f"{keys} keys per echo run) in {time.perf_counter() - started:.0f} s on {machine()}, "
        f"SQLCipher {cipher.version()}. Panes of {WIDTH}x{HEIGHT} in a private tmux server; "
        "the plain and the encrypted copy of one demo practice alternate run by run. Ratios "
        "divide the encrypted practice's median (or p95) by the plain one's.",
        "",
        *table(sessions, figures),
        f"Unechoed keys (left out): {unechoed}.",
        "",
    ]
    args.out.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))


if __name__ == "__main__":
    main()
