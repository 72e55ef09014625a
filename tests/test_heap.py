"""The garbage collector kept out of the coach's way (services/heap.py), in the command only."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from companion.core.protocols import ProtocolLibrary
from companion.services import heap
from companion.store import Store


@pytest.fixture
def managed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This test process as the `companion` command; Python's collector as it was after."""
    monkeypatch.setattr(heap, "_managed", True)
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()


def test_outside_the_command_nothing_changes() -> None:
    frozen = gc.get_freeze_count()
    with heap.paused():
        assert gc.isenabled()
    heap.settle()
    heap.tidy()
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()


@pytest.mark.usefixtures("managed")
def test_the_collector_is_paused_while_the_start_builds_and_what_it_built_is_frozen() -> None:
    kept = [[] for _ in range(1000)]
    with heap.paused():
        assert not gc.isenabled()
        built = [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept) + len(built)  # never scanned again


@pytest.mark.usefixtures("managed")
def test_a_paused_read_that_fails_still_gives_the_collector_back() -> None:
    with pytest.raises(RuntimeError), heap.paused():
        raise RuntimeError("the practice refused")
    assert gc.isenabled()


def test_tidy_collects_what_closed_screens_left_behind_frozen() -> None:
    """In a process of its own: a thread another test left behind (a worker still reading)
    could freeze the heap midway, and the collector's state is the whole process's."""
    code = (
        "import gc\n"
        "from companion.services import heap\n"
        "heap._managed = True\n"
        "class Screen: pass\n"
        "left = Screen(); left.me = left\n"  # a cycle: only the collector frees it
        "heap.settle(); frozen = gc.get_freeze_count()\n"
        "del left; gc.collect()\n"
        "print(gc.get_freeze_count() == frozen)\n"  # frozen: a collection does not see it
        "heap.tidy()\n"
        "print(not any(isinstance(o, Screen) for o in gc.get_objects()))\n"
        "print(gc.get_freeze_count() > 0)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.split() == ["True", "True", "True"]


def test_the_command_runs_with_the_collector_given_back() -> None:
    """`python -m companion` goes through the launcher: the collector is on by the time a
    command runs, the start frozen."""
    code = (
        "import gc, sys, companion.cli as cli; from companion import __main__ as launch\n"
        "cli.main = lambda: print(gc.isenabled(), gc.get_freeze_count() > 1000)\n"
        "launch.main()\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.split() == ["True", "True"]


def test_home_after_a_closed_session_tidies_the_heap_a_moment_later(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session's screens are gone by then: what they left is collected (heap.tidy)."""
    from test_live import Clock, close_with_f10, live_app, new_session, sync

    from companion.tui.screens.home import HomeScreen

    tidied: list[bool] = []
    monkeypatch.setattr(heap, "TIDY_DELAY", 0.01)
    monkeypatch.setattr(heap, "tidy", lambda: tidied.append(True))

    @sync
    async def run() -> None:
        session = new_session(store, protocols, "Quin")
        app = live_app(store, protocols, session, Clock())
        async with app.run_test(size=(80, 24)) as pilot:
            await close_with_f10(pilot, app)
            assert tidied == []
            await pilot.press("h")  # home
            for _ in range(5):
                await pilot.pause(0.02)
            assert isinstance(app.screen, HomeScreen)
            assert tidied == [True]

    run()


@pytest.mark.usefixtures("managed")
def test_a_read_again_is_not_frozen() -> None:
    frozen = gc.get_freeze_count()
    with heap.paused(first=False):
        assert gc.isenabled()
        [[] for _ in range(1000)]
    assert gc.get_freeze_count() == frozen
