"""The live session screen, driven with Pilot; every test checks what the store holds afterwards."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import SamplePractice
from textual.widgets import Input, OptionList, Static, TextArea

from companion.core.models import Session
from companion.core.protocols import ProtocolLibrary
from companion.core.terms import SessionStart
from companion.services.practice import begin_session
from companion.store import Store, StoreError
from companion.tui.app import CompanionApp
from companion.tui.dialogs.live_dialogs import (
    GapQuestion,
    ResumeOffer,
    StepPicker,
)
from companion.tui.factory import ResumeSession, StartSession, build_app
from companion.tui.screens.live import LiveScreen
from companion.tui.screens.session_closed import SessionClosed
from companion.tui.widgets.clock import ClockReading, SessionClock, mmss
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.widgets.protocol_pane import ProtocolPane
from companion.tui.widgets.sidebar import ReviewList, Sidebar

START = datetime(2026, 11, 25, 14, 0, 0)


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> None:
        self.at += timedelta(**kwargs)


def new_session(store: Store, protocols: ProtocolLibrary, name: str = "Ana Lopez") -> Session:
    return began_at(store, begin_session(store, protocols, name, protocol_id="grow"), START)


def began_at(store: Store, session: Session, at: datetime) -> Session:
    """SESSION began at AT on the test's clock, and so did the time it counts."""
    store.db.execute(
        "UPDATE session_periods SET opened_at = ?, last_seen_at = ? WHERE session_id = ?",
        [at.isoformat(), at.isoformat(), session.id],
    )
    return store.save_session(session.model_copy(update={"started_at": at}))


def live_app(
    store: Store, protocols: ProtocolLibrary, session: Session, clock: Clock
) -> CompanionApp:
    app = build_app(ResumeSession(session.id), store, protocols, clock=clock)
    return app


def saving_soon(app: CompanionApp) -> CompanionApp:
    """The autosave's delay shortened, so that waiting until the notes are saved takes no
    real time for the timer."""
    app.autosave_seconds = 0.01
    return app


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        await pilot.press("enter" if char == "\n" else ("space" if char == " " else char))


def live(app: CompanionApp) -> LiveScreen:
    assert isinstance(app.screen, LiveScreen)
    return app.screen


async def settle(pilot, app: CompanionApp) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def settle_saved(pilot, app: CompanionApp) -> None:  # type: ignore[no-untyped-def]
    """Until the live screen is loaded and holds nothing unsaved (bounded, not timed)."""
    for _ in range(200):
        await settle(pilot, app)
        screen = app.screen
        if isinstance(screen, LiveScreen) and screen.loaded and screen.all_saved:
            return
    raise AssertionError("the live screen never got its notes saved")


# -- the pure parts -----------------------------------------------------------------------------


def test_clock_wording() -> None:
    assert mmss(65) == "1:05"
    assert mmss(3723) == "1:02:03"
    early = ClockReading(elapsed=600, planned_minutes=60, nudge_minutes=10, in_closing=False)
    assert early.text == "10:00 elapsed · 50:00 left of 60 min"
    assert not early.nudge and not early.over
    late = ClockReading(elapsed=51 * 60, planned_minutes=60, nudge_minutes=10, in_closing=False)
    assert late.nudge
    closing = ClockReading(elapsed=51 * 60, planned_minutes=60, nudge_minutes=10, in_closing=True)
    assert not closing.nudge
    over = ClockReading(
        elapsed=63 * 60 + 12, planned_minutes=60, nudge_minutes=10, in_closing=False
    )
    assert over.over and not over.nudge
    assert "+3:12 over" in over.text


# -- the screen -----------------------------------------------------------------------------------


@sync
async def test_opens_with_notes_focused_and_first_step_entered(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Ben")
    clock = Clock()
    app = live_app(store, protocols, session, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.focused, NotesArea)
        assert not isinstance(app.screen, ResumeOffer)
        timings = store.step_timings(session.id)  # type: ignore[arg-type]
        assert [(t.step_index, t.entered_at) for t in timings] == [(0, START)]
        first = live(app).protocol.steps[0].title
        assert store.get_notes(session.id).text.startswith(f"## {first} · 14:00")  # type: ignore[arg-type]
        assert "0:00 elapsed" in str(app.screen.query_one(SessionClock).content)


@sync
async def test_whole_session_flow(
    sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    assert session.id is not None
    clock = Clock()
    app = live_app(store, protocols, session, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = live(app)

        # The agreement, through the form.
        await pilot.press("f2")
        await pilot.pause()
        form = app.screen
        form.query_one("#topic", Input).value = "Monday's meeting"
        form.query_one("#desired-outcome", Input).value = "An opening plan"
        form.query_one("#measure-of-success", Input).value = "Knows the first sentence"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen and isinstance(app.focused, NotesArea)
        agreement = store.get_session(session.id).agreement
        assert agreement.topic == "Monday's meeting"
        assert agreement.measure_of_success == "Knows the first sentence"

        # Notes, typed with the notes focused; then the next step.
        await type_text(pilot, "calm start\n- [ ] rehearse twice\n")
        clock.advance(minutes=4)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        second = screen.protocol.steps[1]
        notes = store.get_notes(session.id).text
        assert "calm start\n- [ ] rehearse twice\n" in notes
        assert notes.rstrip().endswith(f"## {second.title} · 14:04")
        timings = store.step_timings(session.id)
        assert [t.step_index for t in timings] == [0, 1]
        assert timings[0].left_at == START + timedelta(minutes=4)
        assert store.get_session(session.id).current_step == 1
        # The cursor waits under the new heading, and typing goes on there.
        await type_text(pilot, "after")
        assert screen.notes.text.endswith(f"{second.title} · 14:04\nafter")

        # Previous step goes back and records it too.
        await pilot.press("ctrl+o")
        await settle(pilot, app)
        assert store.get_session(session.id).current_step == 0
        assert [t.step_index for t in store.step_timings(session.id)] == [0, 1, 0]

        # A goal and an action, through their forms.
        await pilot.press("f5")
        await pilot.pause()
        app.screen.query_one("#specific", Input).value = "Speak first in meetings"
        app.screen.query_one("#timely", Input).value = "2027-02-01"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        goals = store.goals(sample.client.id, status="active")
        assert [g.specific for g in goals][-1] == "Speak first in meetings"
        assert isinstance(app.focused, NotesArea)

        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#text", Input).value = "Book the meeting room"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        set_here = store.actions(session_id=session.id)
        assert [a.text for a in set_here] == ["Book the meeting room"]
        assert set_here[0].client_id == sample.client.id

        # The earlier open action: focus the list with ctrl+r, d marks it done.
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.focused, ReviewList)
        await pilot.press("d")
        await settle(pilot, app)
        earlier = store.get_action(sample.action.id)  # type: ignore[arg-type]
        assert earlier.status == "done"
        assert earlier.reviewed_session_id == session.id
        await pilot.press("escape")
        assert isinstance(app.focused, NotesArea)

        # End: the closing screen, then the recap.
        await type_text(pilot, "\n// tired today\n")
        await pilot.press("f10")
        await settle(pilot, app)
        from companion.tui.screens.closing import ClosingScreen

        assert isinstance(app.screen, ClosingScreen)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await settle(pilot, app)
        assert isinstance(app.screen, SessionClosed)
        finished = store.get_session(session.id)
        assert finished.ended_at is not None
        texts = {a.text for a in store.actions(session_id=session.id)}
        assert {"Book the meeting room", "rehearse twice"} <= texts
        recap = app.screen.recap
        assert "Monday's meeting" in recap
        assert "tired today" not in recap
        assert "tired today" in store.get_notes(session.id).text


@sync
async def test_autosave_after_typing_without_any_key(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Cleo")
    app = live_app(store, protocols, session, Clock())
    app.autosave_seconds = 3600.0  # the timer is the test's to fire
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_loaded(pilot, app)
        await type_text(pilot, "first words")
        await settle(pilot, app)
        screen = live(app)
        assert "first words" not in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert screen.save_state == "editing"  # (one timer per burst: see test_saving)
        screen.save_now()  # the delay has passed
        await settle_saved(pilot, app)
        assert "first words" in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert "saved" in str(live(app).notes.border_title)


@sync
async def test_quitting_saves_the_last_words(store: Store, protocols: ProtocolLibrary) -> None:
    session = new_session(store, protocols, "Dan")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await type_text(pilot, "last words")
        await pilot.press("ctrl+q")
    assert "last words" in store.get_notes(session.id).text  # type: ignore[arg-type]


@sync
async def test_a_failed_save_keeps_the_text_warns_and_retries(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = new_session(store, protocols, "Eve")
    app = live_app(store, protocols, session, Clock())
    real_save = Store.save_notes
    failing = {"on": True}

    def flaky(self: Store, session_id: int, text: str):  # type: ignore[no-untyped-def]
        if failing["on"]:
            raise StoreError("disk full")
        return real_save(self, session_id, text)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        monkeypatch.setattr(Store, "save_notes", flaky)
        await type_text(pilot, "precious")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        screen = live(app)
        assert "NOT SAVED" in str(screen.notes.border_title)
        assert screen.notes.has_class("-save-failed")
        assert "precious" in screen.notes.text
        failing["on"] = False
        assert screen.writer is not None
        screen.writer.retry()
        await settle(pilot, app)
        assert "precious" in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert "NOT SAVED" not in str(screen.notes.border_title)


@sync
async def test_own_loads_are_not_edits(store: Store, protocols: ProtocolLibrary) -> None:
    session = new_session(store, protocols, "Fay")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_saved(pilot, app)  # the first step's heading is saved
        screen = live(app)
        assert screen.all_saved and screen.autosave is not None
        generation = screen.autosave.generation
        screen.notes.load_notes("reloaded")
        await settle(pilot, app)
        assert screen.autosave.generation == generation
        assert screen.all_saved


@sync
async def test_jump_to_a_step_by_number_and_by_click(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Gus")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, StepPicker)
        await pilot.press("3")
        await settle(pilot, app)
        assert store.get_session(session.id).current_step == 2  # type: ignore[arg-type]
        assert isinstance(app.focused, NotesArea)
        # Escape in the picker changes nothing.
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot, app)
        assert store.get_session(session.id).current_step == 2  # type: ignore[arg-type]
        # A click on a step in the protocol pane.
        await pilot.click("#steps", offset=(3, 1))
        await settle(pilot, app)
        assert store.get_session(session.id).current_step == 1  # type: ignore[arg-type]
        assert app.screen.query_one(ProtocolPane).current == 1


@sync
async def test_escape_in_a_form_changes_nothing(
    sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await type_text(pilot, "keep me")
        before = live(app).notes.text
        for key in ("f2", "f4", "f5"):
            await pilot.press(key)
            await pilot.pause()
            assert not isinstance(app.screen, LiveScreen)
            await pilot.press("escape")
            await settle(pilot, app)
            assert isinstance(app.focused, NotesArea)
        assert live(app).notes.text == before
        assert store.get_session(session.id).agreement.is_empty  # type: ignore[arg-type]
        assert store.actions(session_id=session.id) == []


@sync
async def test_earlier_actions_dropped_and_carried_forward(
    sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+r", "c")
        await settle(pilot, app)
        await pilot.press("enter")  # carrying forward asks its new due date: Enter keeps it
        await settle(pilot, app)
        action = store.get_action(sample.action.id)  # type: ignore[arg-type]
        assert action.status == "open" and action.reviewed_session_id == session.id
        assert action.due_on == sample.action.due_on
        await pilot.press("x")
        await settle(pilot, app)
        assert store.get_action(sample.action.id).status == "dropped"  # type: ignore[arg-type]


@sync
async def test_sidebar_collapsed_when_narrow_and_toggled(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Hal")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        sidebar = app.screen.query_one(Sidebar)
        assert not sidebar.display
        await pilot.press("ctrl+t")
        assert sidebar.display
        assert isinstance(app.focused, NotesArea)
        await pilot.press("ctrl+t")
        assert not sidebar.display


@sync
async def test_clock_nudges_then_shows_the_overrun(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Ida")
    clock = Clock()
    app = live_app(store, protocols, session, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        shown = app.screen.query_one(SessionClock)
        clock.advance(minutes=session.planned_minutes - 9)
        live(app)._tick()
        assert shown.has_class("-nudge")
        clock.advance(minutes=12)
        live(app)._tick()
        assert shown.has_class("-over") and not shown.has_class("-nudge")
        assert "+3:00 over" in str(shown.content)
        # The first step's timebox is long used up.
        assert app.screen.query_one("#step-time").has_class("-used-up")


@sync
async def test_palette_lists_the_plain_names(store: Store, protocols: ProtocolLibrary) -> None:
    from companion.tui.screens.live_commands import LiveCommands

    session = new_session(store, protocols, "Jo")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        names = {title for title, _, _ in LiveCommands(app.screen).commands()}
        assert {
            "Next step",
            "Prev",
            "Agreement",
            "Goal",
            "Action",
            "End",
            "Copy recap",
            "Jump to step…",
            "Toggle sidebar",
            "Follow up earlier actions",
            "Keys",
        } <= names, names
        assert any(name.startswith("Step 1: ") for name in names)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Next step")
        for _ in range(100):  # the palette searches in a task of its own
            await pilot.pause()
            found = app.screen.query(OptionList)
            if found and found.first().option_count:
                break
        await pilot.press("enter")
        await settle(pilot, app)
        assert store.get_session(session.id).current_step == 1  # type: ignore[arg-type]


@sync
async def test_f1_lists_the_keys(store: Store, protocols: ProtocolLibrary) -> None:
    from companion.tui.widgets.keys_help import KeysHelp

    session = new_session(store, protocols, "Kim")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        listed = dict(app.screen.keys)
        assert listed["^n"].startswith("Next step: move to the protocol's next step")
        assert listed["f10"].startswith("End: end the session")
        assert listed["^t / f3"].startswith("Toggle sidebar")
        assert listed["d"] == "On an earlier action: Done: mark the highlighted action done"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LiveScreen)


@sync
async def test_copy_recap_without_a_clipboard_saves_a_file(
    sample: SamplePractice, store: Store, protocols: ProtocolLibrary, tmp_path: Path
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await type_text(pilot, "- [ ] call Sam\n// private hunch\n")
        await pilot.press("f8")
        await settle(pilot, app)
        files = list((tmp_path / "data").rglob("*-draft.md"))
        assert len(files) == 1
        text = files[0].read_text()
        assert "call Sam" in text and "private hunch" not in text


# -- start and resume ---------------------------------------------------------------------------


@sync
async def test_start_creates_the_session(store: Store, protocols: ProtocolLibrary) -> None:
    app = build_app(StartSession(SessionStart("Nia", minutes=45)), store, protocols)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = live(app)
        assert screen.session.planned_minutes == 45
        # The first screen of the app: its own styles apply (a one-line top bar, round borders).
        assert screen.query_one("#top-bar").size.height == 1
        assert screen.notes.styles.border_top[0] == "round"
        assert screen.protocol.id == "first"  # a new client's first session
        assert isinstance(app.focused, NotesArea)


@pytest.mark.parametrize("key", ["r", "n"])
@sync
async def test_start_offers_to_resume_an_unfinished_session(
    store: Store, protocols: ProtocolLibrary, key: str
) -> None:
    session = new_session(store, protocols, "Olu")
    assert session.id is not None
    store.enter_step(session.id, 2, protocols.get("grow").steps[2].id, START)
    store.save_notes(session.id, "earlier notes\n")
    clock = Clock(START + timedelta(minutes=20))
    app = build_app(StartSession(SessionStart("Olu")), store, protocols, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ResumeOffer)
        await pilot.press(key)
        await settle(pilot, app)
        if key == "r":  # left 20 minutes ago: did it go on? yes, count those minutes
            assert isinstance(app.screen, GapQuestion)
            await pilot.press("y")
            await settle(pilot, app)
        screen = live(app)
        if key == "r":
            assert screen.session_id == session.id
            assert screen.notes.text == "earlier notes\n"  # no new heading on resume
            assert screen.query_one(ProtocolPane).current == 2
            assert "20:00 elapsed" in str(screen.query_one(SessionClock).content)
            assert len(store.step_timings(session.id)) == 1
        else:
            assert screen.session_id != session.id
            assert len(store.sessions(session.client_id)) == 2
        assert isinstance(app.focused, NotesArea)


# -- the command ----------------------------------------------------------------------------------


def test_start_refuses_an_unknown_protocol_before_any_screen(runner: Any, db_path: Path) -> None:
    from companion.cli import cli

    result = runner.invoke(cli, ["start", "--client", "Pat", "--protocol", "nope"])
    assert result.exit_code == 2
    assert "unknown protocol 'nope'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_start_without_a_terminal_says_so_and_creates_nothing(runner: Any, db_path: Path) -> None:
    from companion.cli import cli

    result = runner.invoke(cli, ["start", "--client", "Pat"])
    assert result.exit_code == 2
    assert "needs a terminal" in result.output
    store = Store.open(db_path)
    try:
        assert store.find_client("Pat") is None
    finally:
        store.close()


def test_start_does_not_import_textual_to_refuse(db_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from companion.cli import cli\n"
        "try:\n"
        "    cli(['start', '--client', 'Pat', '--protocol', 'nope'], standalone_mode=False)\n"
        "except BaseException:\n"
        "    pass\n"
        "print('textual' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.stdout.strip().endswith("False")


# -- the first paint comes before the store -----------------------------------------------------


async def settle_loaded(pilot, app: CompanionApp) -> None:  # type: ignore[no-untyped-def]
    """Until the live screen has read its session (the store opens in a worker thread)."""
    for _ in range(50):
        await settle(pilot, app)
        if isinstance(app.screen, LiveScreen) and app.screen.loaded:
            return
    raise AssertionError("the live screen never loaded")


def slow_opening_app(
    store: Store, protocols: ProtocolLibrary, client_name: str
) -> tuple[CompanionApp, threading.Event]:
    """`start --client NAME` on a database that opens only when the returned gate is set."""
    gate = threading.Event()

    def open_store() -> Store:
        assert gate.wait(10)
        return store

    app = build_app(StartSession(SessionStart(client_name)), open_store, protocols, clock=Clock())
    return app, gate


@sync
async def test_typing_before_the_session_is_loaded_is_kept_after_it(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app, gate = slow_opening_app(store, protocols, "Nia")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = live(app)
        assert not screen.loaded  # the frame only: the client's name, notes ready for typing
        assert "Nia" in str(screen.query_one("#session-title").content)
        assert isinstance(app.focused, NotesArea)
        await pilot.press("ctrl+n")  # waits for the session: nothing happens, nothing breaks
        await type_text(pilot, "she arrived early")
        gate.set()
        await settle_loaded(pilot, app)
        first = screen.protocol.steps[0].title
        assert screen.notes.text == f"## {first} · 14:00\nshe arrived early"
        assert screen.query_one(ProtocolPane).current == 0
        assert isinstance(app.focused, NotesArea)
        await settle(pilot, app)
        assert store.get_notes(screen.session_id).text == screen.notes.text


@sync
async def test_typing_before_a_resumed_session_is_loaded_goes_after_its_notes(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Olu")
    assert session.id is not None
    store.enter_step(session.id, 0, protocols.get("grow").steps[0].id, START)
    store.save_notes(session.id, "earlier notes")
    app, gate = slow_opening_app(store, protocols, "Olu")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "late words")
        gate.set()
        for _ in range(50):
            await settle(pilot, app)
            if isinstance(app.screen, ResumeOffer):
                break
        assert isinstance(app.screen, ResumeOffer)
        await pilot.press("r")
        await settle_loaded(pilot, app)
        screen = live(app)
        assert screen.session_id == session.id
        assert screen.notes.text == "earlier notes\nlate words"
        await settle(pilot, app)
        assert store.get_notes(session.id).text == "earlier notes\nlate words"


@sync
async def test_escape_on_the_resume_offer_keeps_words_typed_meanwhile(
    store: Store, protocols: ProtocolLibrary
) -> None:
    """Escape would quit; with words already typed it starts a new session holding them."""
    session = new_session(store, protocols, "Pia")
    assert session.id is not None
    app, gate = slow_opening_app(store, protocols, "Pia")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await type_text(pilot, "early words")
        gate.set()
        for _ in range(50):
            await settle(pilot, app)
            if isinstance(app.screen, ResumeOffer):
                break
        await pilot.press("escape")
        await settle_loaded(pilot, app)
        screen = live(app)
        assert screen.session_id != session.id
        assert screen.notes.text.endswith("early words")
        await settle(pilot, app)
        assert store.get_notes(screen.session_id).text.endswith("early words")


@sync
async def test_a_database_that_will_not_open_ends_the_app_with_one_line(
    protocols: ProtocolLibrary,
) -> None:
    def open_store() -> Store:
        raise StoreError("cannot open the practice database /nowhere/x.db: Permission denied")

    app = build_app(StartSession(SessionStart("Pat")), open_store, protocols)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(50):
            await settle(pilot, app)
            if app.failure is not None:
                break
    assert app.return_code == 2
    assert app.failure == "cannot open the practice database /nowhere/x.db: Permission denied"


def test_start_with_a_bad_database_says_so_in_one_line_after_the_screen(
    runner: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.cli import cli, live

    def run_headless(self: CompanionApp) -> None:
        asyncio.run(self.run_async(headless=True, size=(100, 30)))

    monkeypatch.setattr(live, "_needs_terminal", lambda: None)  # as if in a terminal
    monkeypatch.setattr(CompanionApp, "run", run_headless)
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("")
    result = runner.invoke(cli, ["--db", str(not_a_folder / "x.db"), "start", "--client", "Pat"])
    assert result.exit_code == 2
    assert result.output.startswith("companion: cannot open the practice database")
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


@sync
async def test_sidebar_shows_the_last_sessions_agreement(
    sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    """Preparing the next session: last time's agreement is in view beside today's."""
    later = sample.first_session.started_at + timedelta(days=14)
    session = began_at(
        store, begin_session(store, protocols, sample.client.name, protocol_id="grow"), later
    )
    app = live_app(store, protocols, session, Clock(later))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        shown = str(app.screen.query_one("#previous-agreement", Static).render())
        assert "Last time" in shown and "Preparing Monday's meeting" in shown


@sync
async def test_no_last_agreement_for_a_first_session(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Cleo")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        assert not app.screen.query_one("#previous-agreement", Static).display


# -- time in session: a resume after a gap ----------------------------------------------------


@pytest.mark.parametrize(("answer", "minutes"), [("n", 10 + 30), ("y", 24 * 60 + 10 + 30)])
@sync
async def test_a_resume_after_a_gap_counts_it_only_if_the_session_went_on(
    store: Store, protocols: ProtocolLibrary, answer: str, minutes: int
) -> None:
    """Left at START + 10 min, resumed a day later: the clock, the duration and the log agree."""
    from companion.store.hours import hours_log

    session = new_session(store, protocols, "Pia")
    assert session.id is not None
    store.enter_step(session.id, 0, protocols.get("grow").steps[0].id, START)
    store.touch_period(session.id, START + timedelta(minutes=10))  # the last heartbeat
    clock = Clock(START + timedelta(days=1, minutes=10))
    app = build_app(StartSession(SessionStart("Pia")), store, protocols, clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        assert isinstance(app.screen, GapQuestion)
        assert "1 h" not in str(app.screen.query_one(Static).render())  # "24 h 0 min ago"
        await pilot.press(answer)
        await settle_loaded(pilot, app)
        counted = "10:00" if answer == "n" else "24:10:00"
        assert f"{counted} elapsed" in str(live(app).query_one(SessionClock).content)
        clock.advance(minutes=30)
        await pilot.press("f10")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        for _ in range(20):
            await settle(pilot, app)
            if isinstance(app.screen, SessionClosed):
                break
        assert isinstance(app.screen, SessionClosed)
    finished = store.get_session(session.id)
    assert finished.duration_seconds == minutes * 60
    [row] = hours_log(store).rows
    assert row.seconds == minutes * 60


# -- the recap screen: a problem is a line on it, never a crash --------------------------------


async def close_with_f10(pilot, app: CompanionApp) -> SessionClosed:  # type: ignore[no-untyped-def]
    await settle_loaded(pilot, app)
    await pilot.press("f10")
    await settle(pilot, app)
    await pilot.press("ctrl+s")
    for _ in range(300):  # the close is written off the loop: bounded, not timed
        await settle(pilot, app)
        if isinstance(app.screen, SessionClosed):
            break
    assert isinstance(app.screen, SessionClosed)
    closed = app.screen
    for _ in range(100):  # its recap built and copied (a worker): bounded, not timed
        await settle(pilot, app)
        if "Copying" not in str(closed.query_one("#copy-state", Static).render()):
            break
    return closed


@sync
async def test_a_recap_that_cannot_be_copied_is_said_on_the_recap_screen(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    import companion.services.clipboard

    def broken(*_: object, **__: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(companion.services.clipboard, "copy_text", broken)
    session = new_session(store, protocols, "Quin")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        closed = await close_with_f10(pilot, app)
        said = str(closed.query_one("#copy-state", Static).render())
        assert "not copied" in said
        assert "# Session recap" in closed.query_one("#recap", TextArea).text  # still shown
        await pilot.press("q")
    assert store.get_session(session.id).is_finished  # type: ignore[arg-type]


@sync
async def test_a_recap_that_cannot_be_built_is_said_on_the_recap_screen(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    import companion.core.recap
    from companion.core.errors import CompanionError

    def broken(*_: object, **__: object) -> str:
        raise CompanionError("the session could not be read")

    monkeypatch.setattr(companion.core.recap, "build_recap", broken)
    session = new_session(store, protocols, "Rae")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        closed = await close_with_f10(pilot, app)
        said = str(closed.query_one("#copy-state", Static).render())
        assert "could not be built" in said
