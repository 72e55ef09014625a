"""The event loop's longest block while the live screen changes step, saves a form and marks a
follow-up, in one process under Textual's headless driver (Pilot), on a practice's database;
and the longest outside Textual's own repaint (its `screen_update` timer), which is what the
screen's code is answerable for.

Every callback the asyncio loop runs (`Handle._run`, which runs task steps too) is timed; for
each action the longest one from the key press until the screen has settled (workers done) is
kept. Used by speed_bench.py; `python benchmarks/loop_lag.py DB` prints one round.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from harness import HEIGHT, ROOT, WIDTH

LIMIT = 0.005  # seconds: issue 8's "never blocked more than 5 ms"


class LongestCallback:
    """Patches asyncio's Handle._run to keep the longest callback since the last reset."""

    def __init__(self) -> None:
        self.longest = 0.0
        self.what = ""
        """The longest callback, as asyncio names it."""
        self.longest_own = 0.0
        """The longest callback that is not Textual's repaint of the screen (its compositor's
        `screen_update` timer): the part the code on the screen is answerable for."""
        self.what_own = ""
        self._original = asyncio.events.Handle._run

    def __enter__(self) -> LongestCallback:
        original, watch = self._original, self

        def timed(handle: asyncio.events.Handle) -> None:
            started = time.perf_counter()
            original(handle)
            took = time.perf_counter() - started
            if took > watch.longest:
                watch.longest, watch.what = took, _named(handle)
            if took > watch.longest_own and not _is_repaint(handle):
                watch.longest_own, watch.what_own = took, _named(handle)

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]


def _is_repaint(handle: asyncio.events.Handle) -> bool:
    """Whether HANDLE is a step of Textual's screen update timer (layout, compositor, output)."""
    return "name='screen_update'" in _named(handle)


def _named(handle: asyncio.events.Handle) -> str:
    """The callback, or for a task's step the coroutine and whose it is (a Textual widget)."""
    task = getattr(handle._callback, "__self__", None)  # type: ignore[attr-defined]
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        frame = getattr(coro, "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        return f"{getattr(coro, '__qualname__', coro)} of {owner!r}"
    return repr(handle)


def client_with_open_action(db: Path) -> str:
    """A client with an open action and no unfinished session: the check-in has one to mark."""
    connection = sqlite3.connect(db)
    try:
        row = connection.execute(
            "SELECT clients.name FROM actions JOIN clients ON clients.id = actions.client_id "
            "WHERE actions.status = 'open' AND clients.id NOT IN "
            "(SELECT client_id FROM sessions WHERE ended_at IS NULL) "
            "ORDER BY clients.id LIMIT 1"
        ).fetchone()
    finally:
        connection.close()
    return str(row[0])


async def one_round(db: Path) -> dict[str, list[float]]:
    """Longest block (seconds) per action kind, each kind done a few times in one session."""
    sys.path.insert(0, str(ROOT))
    from textual.widgets import Input

    from companion.core.protocols import ProtocolLibrary
    from companion.services import heap
    from companion.services.practice import begin_session
    from companion.store import Store
    from companion.tui.factory import ResumeSession, build_app

    heap.manage()  # as the `companion` command does (companion/__main__.py): the heap settled
    store = Store.open(db)
    protocols = ProtocolLibrary.discover(include_user=False)
    client = client_with_open_action(db)
    session = begin_session(store, protocols, client, protocol_id="grow")
    app = build_app(ResumeSession(session.id), store, protocols)
    kinds = ("step change", "form save", "follow-up mark")
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    found.update({f"{kind}, outside Textual's repaint": [] for kind in kinds})
    culprits: list[str] = []
    with LongestCallback() as watch:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:

            async def settle() -> None:
                for _ in range(3):
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                await pilot.pause(0.1)

            async def timed(kind: str, action: Callable[[], Awaitable[None]]) -> None:
                await settle()
                watch.longest = watch.longest_own = 0.0
                await action()
                await settle()
                found[kind].append(watch.longest)
                found[f"{kind}, outside Textual's repaint"].append(watch.longest_own)
                culprits.append(f"{kind}: {watch.longest * 1000:.1f} ms in {watch.what}")
                culprits.append(
                    f"  outside the repaint: {watch.longest_own * 1000:.1f} ms in {watch.what_own}"
                )

            async def fill_and_save(key: str, values: dict[str, str]) -> None:
                await pilot.press(key)
                await pilot.pause()
                for field, value in values.items():
                    app.screen.query_one(f"#{field}", Input).value = value
                watch.longest = watch.longest_own = 0.0  # the save, not the form's opening
                await pilot.press("ctrl+s")

            async def mark() -> None:
                await pilot.press("ctrl+r")
                await settle()
                watch.longest = watch.longest_own = 0.0  # the mark, not the list's focusing
                await pilot.press("d")

            await settle()
            for _ in range(3):
                await timed("step change", lambda: pilot.press("ctrl+n"))
            await timed("step change", lambda: pilot.press("ctrl+o"))
            agreement = {
                "topic": "Monday's meeting",
                "desired-outcome": "An opening plan",
                "measure-of-success": "Knows the first sentence",
            }
            await timed("form save", lambda: fill_and_save("f2", agreement))
            await timed("form save", lambda: fill_and_save("f4", {"text": "Book the room"}))
            await timed("follow-up mark", mark)
            await pilot.press("escape")
            await settle()
    marked = store.db.execute(
        "SELECT count(*) FROM actions WHERE reviewed_session_id = ? AND status = 'done'",
        [session.id],
    ).fetchone()[0]
    store.close()
    assert marked == 1, "the follow-up was not marked done"
    if "-v" in sys.argv:
        print("\n".join(culprits))
    return found


async def bare_round(keys: int = 4) -> list[float]:
    """The baseline: the longest block per pagedown in the bare app's TextArea (20,000 words),
    a repaint of the whole text pane, as a step change repaints the live screen's panes."""
    from bare_app import BareApp
    from harness import notes_text

    app = BareApp(notes_text(20_000))
    blocks = []
    with LongestCallback() as watch:
        async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
            await pilot.press("ctrl+home")
            await pilot.pause(0.2)
            for _ in range(keys):
                watch.longest = 0.0
                await pilot.press("pagedown")
                await pilot.pause(0.1)
                blocks.append(watch.longest)
    return blocks


def measure(db: Path, rounds: int) -> dict[str, list[float]]:
    """ROUNDS rounds (each a new session on DB), the longest blocks of each kind together."""
    together: dict[str, list[float]] = {}
    for _ in range(rounds):
        for kind, blocks in asyncio.run(one_round(db)).items():
            together.setdefault(kind, []).extend(blocks)
        together.setdefault("bare TextArea page down", []).extend(asyncio.run(bare_round()))
    return together


if __name__ == "__main__":
    for kind, blocks in measure(Path(sys.argv[1]), 1).items():
        print(kind, ", ".join(f"{b * 1000:.1f} ms" for b in blocks))
