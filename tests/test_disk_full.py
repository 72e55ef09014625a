"""A full disk on every write path of the live session: nothing lost, said clearly, retried.

Each test fills the disk (tests/disk_faults) once the session is open, does one kind of write,
and checks: the app goes on (no crash), a banner says what is held, the change is kept in
memory, the notes are in a rescue file; then frees the disk, retries, and finds it all written.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from disk_faults import FillingDisk, filling_disk
from test_live import Clock, live, live_app, new_session, settle, settle_loaded, sync
from textual.widgets import Input, OptionList, Static, TextArea

from companion.cli import cli
from companion.core.models import Client, Goal, Session
from companion.core.protocols import ProtocolLibrary
from companion.services.rescue import find_rescues
from companion.store import Store, StoreError
from companion.tui.app import CompanionApp
from companion.tui.dialogs.live_dialogs import QuitUnsaved, RescueOffer
from companion.tui.saving import describe, passing
from companion.tui.screens.closing import ClosingScreen
from companion.tui.screens.live import LiveScreen

WORDS = " ".join(f"word{n}" for n in range(30))


async def opened(pilot, app: CompanionApp, store: Store) -> tuple[LiveScreen, FillingDisk]:  # type: ignore[no-untyped-def]
    await settle_loaded(pilot, app)
    for _ in range(20):  # the first step's heading written
        await settle(pilot, app)
        if live(app).all_saved:
            break
    return live(app), filling_disk(store)


def banner_text(screen: LiveScreen) -> str:
    banner = screen.query_one("#save-banner", Static)
    return str(banner.content) if banner.display else ""


async def type_words(pilot, app: CompanionApp, screen: LiveScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    screen.notes.insert(text)
    await pilot.pause()  # the edit reaches the screen, as a typed key would
    screen.save_now()
    await settle(pilot, app)


async def free_and_retry(pilot, app: CompanionApp, screen: LiveScreen, disk: FillingDisk) -> None:  # type: ignore[no-untyped-def]
    disk.full = False
    assert screen.writer is not None
    screen.writer.retry()
    for _ in range(20):
        await settle(pilot, app)
        if screen.all_saved:
            return
    raise AssertionError("the writes never went through once the disk was freed")


async def offered(pilot, app: CompanionApp) -> RescueOffer:  # type: ignore[no-untyped-def]
    """Until the opening live screen offers the rescued words back (it reads in a worker)."""
    for _ in range(50):
        await settle(pilot, app)
        if isinstance(app.screen, RescueOffer):
            return app.screen
    raise AssertionError(f"no rescue offer; the screen is {app.screen!r}")


def rescued_text(store: Store, session: Session) -> str:
    assert store.path is not None and session.id is not None
    found = find_rescues(store.path, session.id)
    return found[0].text if found else ""


@sync
async def test_typing_on_a_full_disk_keeps_every_word_and_sets_them_aside(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Ana")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await type_words(pilot, app, screen, WORDS)
        assert screen.save_state == "failing"
        assert "NOT SAVED" in str(screen.notes.border_title)
        shown = banner_text(screen)
        assert "the disk is full" in shown and "the notes" in shown
        assert WORDS in screen.notes.text
        assert WORDS not in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert WORDS in rescued_text(store, session)  # beside the practice, 0600
        assert store.path is not None
        rescue = find_rescues(store.path, session.id)[0].path  # type: ignore[arg-type]
        assert rescue.parent == store.path.parent
        assert rescue.stat().st_mode & 0o777 == 0o600
        assert str(rescue) in shown
        await free_and_retry(pilot, app, screen, disk)
        assert WORDS in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert banner_text(screen) == ""
        assert "saved" in str(screen.notes.border_title)
        assert rescued_text(store, session) == ""  # the rescue file has done its job


@sync
async def test_a_step_change_on_a_full_disk_moves_on_and_is_recorded_later(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Ben")
    clock = Clock()
    app = live_app(store, protocols, session, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await type_words(pilot, app, screen, WORDS)
        clock.advance(minutes=5)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert app.screen is screen  # no crash, no dialog: the coach goes on
        second = screen.protocol.steps[1].title
        assert f"## {second}" in screen.notes.text
        assert "the step change" in banner_text(screen)
        assert store.get_session(session.id).current_step == 0  # type: ignore[arg-type]
        assert f"## {second}" in rescued_text(store, session)
        await free_and_retry(pilot, app, screen, disk)
        assert store.get_session(session.id).current_step == 1  # type: ignore[arg-type]
        timings = store.step_timings(session.id)  # type: ignore[arg-type]
        assert [t.step_index for t in timings] == [0, 1]
        assert timings[1].entered_at == clock.at  # the time it happened, not the retry's
        notes = store.get_notes(session.id).text  # type: ignore[arg-type]
        assert WORDS in notes and f"## {second}" in notes


@sync
async def test_the_agreement_form_on_a_full_disk(store: Store, protocols: ProtocolLibrary) -> None:
    session = new_session(store, protocols, "Cleo")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#topic", Input).value = "Monday's meeting"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert "the agreement" in banner_text(screen)
        assert screen.session.agreement.topic == "Monday's meeting"  # kept in memory
        assert store.get_session(session.id).agreement.topic == ""  # type: ignore[arg-type]
        await free_and_retry(pilot, app, screen, disk)
        assert store.get_session(session.id).agreement.topic == "Monday's meeting"  # type: ignore[arg-type]


@sync
async def test_an_action_and_a_goal_on_a_full_disk(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Dan")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#text", Input).value = "Book the meeting room"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("f5")
        await pilot.pause()
        app.screen.query_one("#specific", Input).value = "Speak first in meetings"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        shown = banner_text(screen)
        assert "the action" in shown and "the goal" in shown
        assert store.actions(session_id=session.id) == []
        await free_and_retry(pilot, app, screen, disk)
        assert [a.text for a in store.actions(session_id=session.id)] == ["Book the meeting room"]
        client = session.client_id
        assert "Speak first in meetings" in [g.specific for g in store.goals(client)]


@sync
async def test_a_follow_up_mark_on_a_full_disk(
    sample, store: Store, protocols: ProtocolLibrary
) -> None:  # type: ignore[no-untyped-def]
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("d")
        await settle(pilot, app)
        assert "the follow-up" in banner_text(screen)
        assert store.get_action(sample.action.id).status == "open"
        await free_and_retry(pilot, app, screen, disk)
        assert store.get_action(sample.action.id).status == "done"


@sync
async def test_ending_on_a_full_disk_is_refused_and_nothing_is_lost(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Eve")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await type_words(pilot, app, screen, WORDS)
        await pilot.press("f10")
        await settle(pilot, app)
        assert app.screen is screen  # the close waits for the disk
        assert store.get_session(session.id).ended_at is None  # type: ignore[arg-type]
        await free_and_retry(pilot, app, screen, disk)
        await pilot.press("f10")
        await settle(pilot, app)
        assert isinstance(app.screen, ClosingScreen)


@sync
async def test_quitting_on_a_full_disk_asks_and_the_next_start_brings_the_words_back(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Fay")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        screen, disk = await opened(pilot, app, store)
        disk.full = True
        await type_words(pilot, app, screen, WORDS)
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert isinstance(app.screen, QuitUnsaved)
        assert "the disk is full" in app.screen.message
        await pilot.press("n")  # stay
        await settle(pilot, app)
        assert app.screen is screen
        screen.notes.insert(" and one more")
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
    assert WORDS not in store.get_notes(session.id).text  # type: ignore[arg-type]
    assert rescued_text(store, session).endswith(WORDS + " and one more")
    disk.full = False
    # The lease could not be released on the full disk; a dead process's lapses by itself.
    store.release_lease(session.id, app.lease_token)  # type: ignore[arg-type]

    again = live_app(store, protocols, session, Clock())
    async with again.run_test(size=(100, 30)) as pilot:
        await offered(pilot, again)
        await pilot.press("y")
        for _ in range(20):
            await settle(pilot, again)
            if live(again).all_saved:
                break
        assert (WORDS + " and one more") in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert rescued_text(store, session) == ""


@sync
async def test_a_rescue_offer_declined_keeps_the_file(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from companion.services.rescue import write_rescue

    session = new_session(store, protocols, "Gus")
    assert store.path is not None and session.id is not None
    write_rescue(store.path, session.id, "words the practice never got", Clock()())
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await offered(pilot, app)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, LiveScreen)
    assert rescued_text(store, session) == "words the practice never got"
    assert "never got" not in store.get_notes(session.id).text


def test_rescue_file_falls_back_to_the_data_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The practice's own folder is the full disk: the data folder takes the rescue file."""
    import companion.services.rescue as rescue

    real = rescue.write_private_file
    practice = tmp_path / "full" / "practice.db"

    def full_beside(path: Path, content: str | bytes) -> Path:
        if path.parent == practice.parent.resolve():
            raise OSError(28, "No space left on device")
        return real(path, content)

    monkeypatch.setattr(rescue, "write_private_file", full_beside)
    practice.parent.mkdir()
    written = rescue.write_rescue(practice, 7, "kept", Clock()())
    assert written.parent == tmp_path / "data" / "companion" / "rescue"
    assert written.parent.stat().st_mode & 0o777 == 0o700
    [found] = rescue.find_rescues(practice, 7)
    assert found.text == "kept" and found.session_id == 7
    assert rescue.find_rescues(tmp_path / "other.db") == []  # another practice's are not ours
    rescue.discard_rescues(practice, 7)
    assert rescue.find_rescues(practice) == []


# -- closing the session on a full disk ------------------------------------------------------


async def closing_opened(  # type: ignore[no-untyped-def]
    pilot, app: CompanionApp, store: Store
) -> tuple[ClosingScreen, FillingDisk]:
    """Past the live screen (all saved) into the closing screen, read; then the disk to fill."""
    await settle_loaded(pilot, app)
    for _ in range(20):
        await settle(pilot, app)
        if live(app).all_saved:
            break
    await pilot.press("f10")
    for _ in range(20):
        await settle(pilot, app)
        if isinstance(app.screen, ClosingScreen) and app.screen.data is not None:
            return app.screen, filling_disk(store)
    raise AssertionError(f"no closing screen; the screen is {app.screen!r}")


def closing_banner(screen: ClosingScreen) -> str:
    banner = screen.query_one("#closing-banner", Static)
    return str(banner.content) if banner.has_class("-shown") else ""


def closing_lines(screen: ClosingScreen) -> list[str]:
    options = screen.query_one("#actions", OptionList)
    return [
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    ]


async def enter_closing(pilot, app: CompanionApp, screen: ClosingScreen) -> None:  # type: ignore[no-untyped-def]
    """An action added through the form, a takeaway and the next date, as the coach types them."""
    await pilot.press("ctrl+n")
    await settle(pilot, app)
    app.screen.query_one("#text", Input).value = "Call Marc before Friday"
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    assert app.screen is screen
    screen.query_one("#takeaways", TextArea).load_text("Open with a question\nBreathe first")
    screen.query_one("#next-date", Input).value = "2026-12-09"
    await pilot.pause()


def closing_practice(store: Store, protocols: ProtocolLibrary, name: str) -> tuple[Session, Goal]:
    """A session whose notes flag an action, its client with a goal to score."""
    session = new_session(store, protocols, name)
    assert session.id is not None
    store.save_notes(session.id, "## Options\n- [ ] Draft the opening lines\n")
    goal = store.add_goal(Goal(client_id=session.client_id, specific="Speak first in meetings"))
    return session, goal


@sync
async def test_closing_on_a_full_disk_keeps_everything_and_closes_once_there_is_room(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session, goal = closing_practice(store, protocols, "Hana")
    assert session.id is not None and store.path is not None
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen, disk = await closing_opened(pilot, app, store)
        await enter_closing(pilot, app, screen)
        screen.query_one(f"#score-{goal.id}", Input).value = "7"
        disk.full = True
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        assert app.screen is screen  # no crash, not dismissed: the coach can try again
        shown = closing_banner(screen)
        assert "NOT CLOSED: the disk is full" in shown and "ctrl+s" in shown
        assert screen.refused == "the disk is full"
        assert disk.refused >= 1
        # Everything entered is still on the screen...
        assert closing_lines(screen) == ["✓ Draft the opening lines", "✓ Call Marc before Friday"]
        assert screen.query_one(f"#score-{goal.id}", Input).value == "7"
        assert screen.query_one("#takeaways", TextArea).text == (
            "Open with a question\nBreathe first"
        )
        assert screen.query_one("#next-date", Input).value == "2026-12-09"
        # ...nothing of it in the practice (all or nothing)...
        assert store.get_session(session.id).ended_at is None
        assert store.actions(session_id=session.id) == []
        assert store.takeaways(session.id) == []
        # ...and all of it set aside, after the notes, in the session's rescue file.
        [rescued] = find_rescues(store.path, session.id)
        assert str(rescued.path) in shown
        assert rescued.text.startswith(store.get_notes(session.id).text)
        for line in (
            "## Closing, not stored (the disk is full",
            "- [ ] Draft the opening lines",
            "- [ ] Call Marc before Friday",
            "Score 7/10: Speak first in meetings",
            "Takeaway: Open with a question",
            "Takeaway: Breathe first",
            "Next session: 2026-12-09",
        ):
            assert line in rescued.text

        await pilot.press("ctrl+s")  # still full: refused again, still nothing lost
        await settle(pilot, app)
        assert app.screen is screen and store.get_session(session.id).ended_at is None

        disk.full = False
        await pilot.press("ctrl+s")
        for _ in range(20):
            await settle(pilot, app)
            if not isinstance(app.screen, ClosingScreen):
                break
        assert not isinstance(app.screen, ClosingScreen)

    closed = store.get_session(session.id)
    assert closed.ended_at is not None
    assert closed.next_session_on == date(2026, 12, 9)
    assert sorted(a.text for a in store.actions(session_id=session.id)) == [
        "Call Marc before Friday",
        "Draft the opening lines",
    ]
    assert [t.text for t in store.takeaways(session.id)] == [
        "Open with a question",
        "Breathe first",
    ]
    assert {s.goal_id: s.score for s in store.goal_scores(session_id=session.id)} == {goal.id: 7}
    assert find_rescues(store.path, session.id) == []  # stored: the rescue file has gone


@sync
async def test_closing_a_read_only_practice_says_so(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session, _goal = closing_practice(store, protocols, "Ines")
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen, disk = await closing_opened(pilot, app, store)
        disk.message = "attempt to write a readonly database"
        disk.full = True
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is screen
        assert "NOT CLOSED: the practice file is read-only" in closing_banner(screen)
        assert "readonly database" not in closing_banner(screen)  # SQLite's words, not ours


@sync
async def test_quitting_a_refused_close_asks_and_the_next_start_offers_it_all_back(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session, goal = closing_practice(store, protocols, "Jo")
    assert session.id is not None and store.path is not None
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        screen, disk = await closing_opened(pilot, app, store)
        await enter_closing(pilot, app, screen)
        disk.full = True
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert screen.refused

        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert isinstance(app.screen, QuitUnsaved)
        message = app.screen.message
        assert "Not closed: the disk is full" in message
        assert str(find_rescues(store.path, session.id)[0].path) in message
        await pilot.press("n")  # stay: the entries are all still there
        await settle(pilot, app)
        assert app.screen is screen
        assert "Call Marc before Friday" in " ".join(closing_lines(screen))
        # Changed after the refusal: quitting sets aside what the screen holds now.
        screen.query_one(f"#score-{goal.id}", Input).value = "4"
        await pilot.press("ctrl+q")
        await settle(pilot, app)
        assert isinstance(app.screen, QuitUnsaved)
        await pilot.press("y")
        await settle(pilot, app)
    assert store.get_session(session.id).ended_at is None  # the session stays open
    rescued = find_rescues(store.path, session.id)[0].text
    assert "- [ ] Call Marc before Friday" in rescued and "Score 4/10" in rescued
    disk.full = False
    # The lease could not be released on the full disk; a dead process's lapses by itself.
    store.release_lease(session.id, app.lease_token)

    again = live_app(store, protocols, session, Clock())
    async with again.run_test(size=(120, 40)) as pilot:
        await offered(pilot, again)
        await pilot.press("y")  # bring them back
        for _ in range(20):
            await settle(pilot, again)
            if isinstance(again.screen, LiveScreen) and live(again).all_saved:
                break
        notes = store.get_notes(session.id).text
        assert "- [ ] Call Marc before Friday" in notes and "Takeaway: Breathe first" in notes
        await pilot.press("f10")
        for _ in range(20):
            await settle(pilot, again)
            if isinstance(again.screen, ClosingScreen) and again.screen.data is not None:
                break
        assert isinstance(again.screen, ClosingScreen)
        assert "✓ Call Marc before Friday" in closing_lines(again.screen)


# -- the store's own words for SQLite's refusals ----------------------------------------------

SECRET = "Kim worries her manager will read this"


def test_the_store_says_why_a_write_was_refused_in_plain_words(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols, "Kim")
    assert session.id is not None
    disk = filling_disk(store)
    disk.full = True
    with pytest.raises(StoreError) as caught:
        store.save_notes(session.id, SECRET)
    message = str(caught.value)
    assert message == (
        f"the practice database {store.path} refused: the disk is full: free some space on that "
        "disk, then try again"
    )
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)
    assert passing(caught.value)  # the live screen's writer keeps it and retries
    assert describe(caught.value) == "the disk is full"  # its banner words, as before

    with pytest.raises(StoreError, match="the disk is full"):  # all or nothing
        store.finish_session(session.id, takeaways=["Breathe first"])
    assert store.get_session(session.id).ended_at is None

    disk.message = "attempt to write a readonly database"
    with pytest.raises(StoreError, match="read-only: make the file and its folder writable"):
        store.add_client(Client(name="Lou"))
    disk.message = f'near "{SECRET}": syntax error'  # SQLite quoting what it was given
    with pytest.raises(StoreError) as caught:
        store.save_notes(session.id, SECRET)
    assert SECRET not in str(caught.value) and "companion doctor" in str(caught.value)
    disk.full = False
    assert store.save_notes(session.id, SECRET).text == SECRET


def test_a_writing_command_on_a_full_disk_is_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    really_open = Store.open

    def on_a_full_disk(path: str | Path | None = None) -> Store:
        opened = really_open(path)
        filling_disk(opened).full = True
        return opened

    monkeypatch.setattr(Store, "open", on_a_full_disk)
    result = runner.invoke(cli, ["clients", "add", "Bob"], prog_name="companion")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("companion: the practice database ")
    assert "refused: the disk is full: free some space" in result.stderr
