"""Python's cyclic garbage collector, kept out of the coach's way.

The collector scans every container object each time enough new ones have been made; a full
scan of the live screen's heap (Textual, pydantic, the store, 20,000 words of notes) took 65-90 ms
on the event loop, and the key typed then waited for it (key echo p95 ~3x the bare TextArea:
benchmarks/ANALYSIS.md). Starting up makes most of that heap at once, none of it garbage, and
paid ~40-60 ms of collections on the way. So the `companion` command (companion/__main__.py):

- starts with the collector paused (`paused`), and freezes what the start built (`gc.freeze`:
  never scanned again) before it runs the command; a screen's read (home's, the review's, the
  live screen's opening: the imports of pydantic and the store come with the first) does the
  same, and the live screen freezes its filled frame (`settle`), so full scans cover only
  what came after;
- a moment after the coach is back on home from a closed session (`TIDY_DELAY`), lets the
  collector take what the session's screens left (`tidy`: unfreeze, one full collection,
  freeze), so nothing frozen is held for the day.

Only the command does this (`manage`); the tests' apps and anyone importing companion keep
Python's collector as it is.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_managed = False

TIDY_DELAY = 1.0
"""Seconds after home comes back from a closed session before `tidy` runs: the session's
screens are removed by then, and the coach is reading, not typing."""


def manage() -> None:
    """This process is the `companion` command: `settle` and `tidy` take effect."""
    global _managed
    _managed = True


@contextlib.contextmanager
def paused(first: bool = True) -> Iterator[None]:
    """While what the program keeps is built (its imports, a screen's first read): the
    collector paused, and what was built frozen after. Nothing changes outside the command, nor
    when not FIRST (a screen read again: what it replaces is garbage, not to be frozen)."""
    if not (_managed and first):
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def settle() -> None:
    """What exists now is here to stay (a screen's first data is in): never scan it again."""
    if _managed:
        gc.freeze()


def tidy() -> None:
    """Collect what the closed screens left, then freeze the rest (the coach is between
    sessions: one full scan, ~50-100 ms, is not felt there)."""
    if _managed:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
