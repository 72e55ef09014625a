"""Typing after a very long line is pasted into the notes (issue 9 point 8), before and after.

    python benchmarks/long_line_bench.py [--keys 5] [--out benchmarks/results-long-line.md]

In one process, under Textual's headless driver (100x30, as `live_bench.py` sizes its panes):
a line of N characters with no newline is pasted (a Paste event, as a bracketed paste arrives),
then letters are pressed one by one, each timed from the key until the app is idle again (the
edit made and the screen rendered). "before" is the notes as they were: a TextArea that always
soft-wraps; "after" is companion's NotesArea, which stops wrapping while a line is longer than
LONG_LINE. The last column checks the text is exactly what was pasted plus what was typed.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from harness import HEIGHT, HERE, WIDTH
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from companion.tui.widgets.notes_pane import LONG_LINE, NotesArea

SIZE = (WIDTH, HEIGHT)  # as the tmux panes of the other benchmarks
LENGTHS = [10_000, 100_000, 1_000_000]


class Host(App[None]):
    def __init__(self, after: bool) -> None:
        super().__init__()
        self.after = after

    def compose(self) -> ComposeResult:
        if self.after:
            yield NotesArea("", id="notes")
        else:
            yield TextArea("", soft_wrap=True, tab_behavior="focus", id="notes")


async def measure(after: bool, length: int, keys: int) -> tuple[float, list[float], bool, bool]:
    """(paste seconds, per-key seconds, text exact, still soft-wrapping)."""
    app = Host(after)
    pasted = "".join(chr(ord("a") + i % 26) if i % 7 else " " for i in range(length))
    async with app.run_test(size=SIZE) as pilot:
        notes = app.query_one("#notes", TextArea)
        notes.focus()
        await pilot.pause()
        started = time.perf_counter()
        app.post_message(events.Paste(pasted))  # as the driver delivers it: the app passes it on
        await pilot.pause()
        paste = time.perf_counter() - started
        times = []
        typed = ""
        for index in range(keys):
            letter = "xyz"[index % 3]
            started = time.perf_counter()
            await pilot.press(letter)
            times.append(time.perf_counter() - started)
            typed += letter
        return paste, times, notes.text == pasted + typed, notes.soft_wrap


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results-long-line.md")
    args = parser.parse_args()

    rows = []
    for length in LENGTHS:
        for after in (False, True):
            paste, times, exact, wrapping = asyncio.run(measure(after, length, args.keys))
            side = "after (NotesArea)" if after else "before (always wraps)"
            row = (
                f"| {length:,} | {side} | {ms(paste)} | median {ms(statistics.median(times))}, "
                f"max {ms(max(times))} (n={len(times)}) | {'on' if wrapping else 'off'} | "
                f"{'yes' if exact else 'NO'} |"
            )
            print(row, flush=True)
            rows.append(row)

    report = (
        f"""# Typing after a very long pasted line

Measured {date.today().isoformat()} by `python benchmarks/long_line_bench.py --keys {args.keys}`,
Python {platform.python_version()} on {platform.machine()}, Textual headless at {SIZE[0]}x{SIZE[1]}.
A line of N characters (letters and spaces, no newline) is pasted into the notes, then single
letters are typed at its end; each key is timed until the app is idle again (edit and render).
"after" stops soft-wrapping while a line is longer than {LONG_LINE:,} characters (and tells the
coach once); "exact" checks the text is the paste plus the letters, character for character.

| line length | notes | paste | per key | soft wrap after | exact |
|---|---|---|---|---|---|
"""
        + "\n".join(rows)
        + "\n"
    )
    args.out.write_text(report + NOTES)
    print(f"wrote {args.out}", file=sys.stderr)


NOTES = """
## Where the time went (py-spy and cProfile, 1,000,000 characters)

Before: each key cost about 1.9 s in `WrappedDocument.wrap_range` (the whole line's wrap offsets
computed again for the edited line) and about 4 s painting: `TextArea._render_line` calls
`Text.divide()` on the whole line at all of its ~10,000 wrap offsets for every visible row, so a
30-row pane builds some 300,000 `Text` objects per frame.

After, unwrapped, what is left is linear in the line's length but cheap: Textual measures the
cursor's cell offset from the start of the line (`get_tab_widths` regex, `cell_len`) about three
times per key. A line of up to LONG_LINE characters wraps as before at no cost a coach notices.
"""


if __name__ == "__main__":
    main()
