"""The home screen through Pilot: what is due, what is unfinished, and every way in."""

from __future__ import annotations

from typing import Any

import pytest
from review_practice import TODAY, ReviewPractice, build_review_practice
from test_review import RecordingApp, live_session, settle, sync
from textual.content import Content
from textual.widgets import Input, OptionList, Select

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.store.views import home_view
from companion.tui.dialogs.live_dialogs import ResumeOffer
from companion.tui.dialogs.new_client import NewClientQuestion
from companion.tui.factory import OpenHome, build_app
from companion.tui.screens.home import DUE_WITHIN_DAYS, HomeScreen
from companion.tui.screens.review import ReviewScreen
from companion.tui.screens.review_timeline import TimelineScreen
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.review_commands import screen_commands


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> ReviewPractice:
    return build_review_practice(store, protocols)


def home_app(store: Store, protocols: ProtocolLibrary) -> RecordingApp:
    return build_app(OpenHome(), store, protocols, app_class=RecordingApp)


def styled(content: Any, style_part: str) -> list[str]:
    """The pieces of an option's text whose style mentions STYLE_PART."""
    assert isinstance(content, Content)
    return [
        content.plain[span.start : span.end]
        for span in content.spans
        if style_part in str(span.style)
    ]


def test_home_data_lists_due_and_overdue_actions_only(
    store: Store, practice: ReviewPractice
) -> None:
    data = home_view(store, fmt.today(), due_within_days=DUE_WITHIN_DAYS)
    assert [item.action.text for item in data.due] == [
        "Ask two colleagues for feedback",  # overdue
        "List the tasks to delegate",  # due in two days
    ]  # not the one due in March, not the done one
    assert [item.client_name for item in data.due] == ["Ana Lopez", "Ana Lopez"]
    assert [item.session.id for item in data.unfinished] == [practice.unfinished.id]
    assert data.unfinished[0].label == "Short check-in · step 1 of 5"


@sync
async def test_home_shows_what_is_due_with_the_overdue_highlighted(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        due = screen.query_one("#due", OptionList)
        prompts = [due.get_option_at_index(i).prompt for i in range(due.option_count)]
        assert "Ask two colleagues for feedback" in str(prompts[0])
        assert styled(prompts[0], "error") == ["2026-11-20 · overdue 5 d"]
        assert "List the tasks to delegate" in str(prompts[1])
        assert styled(prompts[1], "error") == []
        assert styled(prompts[1], "warning") == ["2026-11-27 · in 2 d"]

        unfinished = screen.query_one("#unfinished", OptionList)
        assert unfinished.option_count == 1
        assert "Ben Okafor · 2026-11-24 16:00" in str(unfinished.get_option_at_index(0).prompt)

        titles = {title for title, _, _ in screen_commands(screen)}
        assert {
            "Start session",
            "Find or add",
            "Add as new client",
            "Protocol",
            "Resume",
            "Review",
        } <= titles


@sync
async def test_enter_on_a_client_starts_their_session_with_the_chosen_protocol(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clients = app.screen.query_one("#clients", OptionList)
        assert app.focused is app.screen.query_one("#new-client", Input)
        await pilot.press("down")  # from the name box to the list
        assert app.focused is clients
        await pilot.press("enter")  # Ana, default protocol
        assert app.started == [("Ana Lopez", None)]
        await settle(pilot)
        newest = store.sessions(practice.ana.id)[0]
        assert newest.protocol_id == "grow" and live_session(app) == newest.id

    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#protocol", Select).value = "life-purpose"
        sessions_before = len(store.sessions(practice.ben.id))
        await pilot.press("down", "down", "s")  # Ben has a session not finished: resume it?
        await settle(pilot)
        assert isinstance(app.screen, ResumeOffer)
        assert len(store.sessions(practice.ben.id)) == sessions_before  # nothing begun yet
        await pilot.press("n")  # no: a new session, with the chosen protocol
        await settle(pilot)
        assert app.started == [("Ben Okafor", "life-purpose")]
        newest = store.sessions(practice.ben.id)[0]
        assert newest.protocol_id == "life-purpose"
        assert live_session(app) == newest.id


@sync
async def test_the_protocols_join_the_choice_with_the_first_read_and_a_choice_survives_a_refresh(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        choose = app.screen.query_one("#protocol", Select)
        listed = [str(value) for _, value in choose._options]
        assert listed == ["default", *(entry.protocol.id for entry in protocols)]
        assert choose.value == "default"
        choose.value = "life-purpose"
        await pilot.press("ctrl+r")  # read the practice again
        await settle(pilot)
        assert app.screen.query_one("#protocol", Select).value == "life-purpose"


@sync
async def test_a_new_client_by_name_gets_a_first_session(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        new_client = app.screen.query_one("#new-client", Input)
        assert app.focused is new_client  # focused on launch: typing goes to the name
        await pilot.press("enter")  # nothing typed: nothing started
        assert app.started == []
        await pilot.press(*"Dana Ito", "enter", "enter")  # a new name: Enter alone adds nothing
        await settle(pilot)
        question = app.screen
        assert isinstance(question, NewClientQuestion)
        assert question.suggestions == [] and question.new_name == "Dana Ito"
        assert app.started == [] and store.find_client("Dana Ito") is None
        await pilot.press("y")  # the confirming key
        await settle(pilot)
        assert app.started == [("Dana Ito", None)]
        dana = store.find_client("Dana Ito")
        assert dana is not None and dana.id is not None
        assert store.sessions(dana.id)[0].protocol_id == "first"
        assert new_client.value == ""


@sync
async def test_typing_finds_a_client_before_adding_one(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clients = app.screen.query_one("#clients", OptionList)
        await pilot.press("o")  # in all three names
        assert clients.option_count == 3
        await pilot.press("enter")  # several match: pick one in the list, nothing started
        assert app.started == [] and app.focused is clients
        await pilot.press("n", *"xyz")
        assert "Enter adds one" in str(clients.get_option_at_index(0).prompt)
        await pilot.press("escape")  # empties the box: every client again
        assert clients.option_count == 3 and app.focused is clients
        await pilot.press("n", "backspace", *"LOP")
        assert [str(clients.get_option_at_index(0).prompt)] == ["Ana Lopez"]
        assert clients.option_count == 1
        await pilot.press("enter")  # one match: that client, not a new "LOP"
        assert app.started == [("Ana Lopez", None)]
        assert store.find_client("LOP") is None
        await settle(pilot)
        await app.pop_screen()  # from her live screen back to home
        await settle(pilot)

        assert app.screen.query_one("#new-client", Input).value == ""
        await pilot.press(*"Ana", "ctrl+n")  # exactly as typed: but "Ana Lopez" is close
        await settle(pilot)
        assert isinstance(app.screen, NewClientQuestion)
        assert app.screen.suggestions == ["Ana Lopez"]
        await pilot.press("y")  # no: a new client called Ana
        await settle(pilot)
        assert app.started[-1] == ("Ana", None)
        assert store.find_client("Ana") is not None
        assert len(store.clients()) == 4


@sync
async def test_resume_opens_the_unfinished_session(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "u")
        assert app.opened == [practice.unfinished.id]


@sync
async def test_review_from_home_and_escape_back(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("a", "enter")  # a due action opens its client's timeline
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert app.screen.client_id == practice.ana.id
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@sync
async def test_home_of_an_empty_practice_says_what_to_do(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clients = app.screen.query_one("#clients", OptionList)
        assert "type a name above, then Enter" in str(clients.get_option_at_index(0).prompt)
        await pilot.press("down", "s")  # no client to start with: go and type one
        assert app.focused is app.screen.query_one("#new-client", Input)
        await pilot.press("u")
        assert app.opened == []


@sync
async def test_starting_from_home_opens_the_live_screen_and_words_typed_at_once_are_notes(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    """The live screen opens in the same turn as the Enter; the session is created in its
    worker: keys pressed meanwhile are notes, not a name in home's box."""
    app = build_app(OpenHome(), store, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter", *"she wants")  # Ana: no session left unfinished
        await settle(pilot)
        newest = store.sessions(practice.ana.id)[0]
        assert not newest.is_finished and newest.protocol_id == "grow"
        assert live_session(app) == newest.id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "she wants" in store.get_notes(newest.id).text


@sync
async def test_escape_on_the_resume_offer_from_home_goes_back_home_and_begins_nothing(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenHome(), store, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sessions_before = len(store.sessions(practice.ben.id))
        await pilot.press("down", "down", "enter")  # Ben: his session is not finished
        await settle(pilot)
        assert isinstance(app.screen, ResumeOffer)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # not quit: `start` alone quits here
        assert app.is_running
        assert len(store.sessions(practice.ben.id)) == sessions_before


@sync
async def test_a_new_practice_types_the_first_name_straight_into_the_name_box(
    store: Store,
) -> None:
    """With no clients yet, letters must not fire the one-letter keys (r would open the review)."""

    app = build_app(OpenHome(), store, ProtocolLibrary.discover(include_user=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*["space" if c == " " else c for c in "Maya Ortiz"])
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#new-client", Input).value == "Maya Ortiz"


@sync
async def test_a_big_practice_lists_the_first_clients_and_the_most_overdue_actions(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    from datetime import timedelta

    from companion.core.models import Action, Client
    from companion.tui.screens.home import CLIENTS_LISTED, DUE_LISTED

    ana = store.find_client("Ana Lopez")
    assert ana is not None and ana.id is not None
    for number in range(CLIENTS_LISTED + 5):
        store.add_client(Client(name=f"Client {number:03d}"))
    for number in range(DUE_LISTED + 7):
        store.add_action(
            Action(
                client_id=ana.id,
                text=f"Old action {number}",
                due_on=TODAY - timedelta(days=30 + number),
            )
        )
    data = home_view(store, TODAY, due_within_days=DUE_WITHIN_DAYS, due_limit=DUE_LISTED)
    assert len(data.due) == DUE_LISTED and data.due_total == DUE_LISTED + 7 + 2
    assert data.due[0].action.text == f"Old action {DUE_LISTED + 6}"  # the most overdue first

    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        clients = screen.query_one("#clients", OptionList)
        assert clients.option_count == CLIENTS_LISTED + 1
        last = clients.get_option_at_index(CLIENTS_LISTED)
        assert last.disabled and "more: type to narrow" in str(last.prompt)
        due = screen.query_one("#due", OptionList)
        assert due.option_count == DUE_LISTED + 1
        assert "…and 9 more" in str(due.get_option_at_index(DUE_LISTED).prompt)

        screen.query_one("#new-client", Input).value = "client 10"  # narrowing finds the rest
        await settle(pilot)
        names = [str(clients.get_option_at_index(i).prompt) for i in range(clients.option_count)]
        assert names == ["Client 100", "Client 101", "Client 102", "Client 103", "Client 104"]


@sync
async def test_a_name_close_to_a_client_asks_did_you_mean_before_adding(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = home_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Ana Lopes", "enter")  # a typo: no client holds it
        await settle(pilot)
        question = app.screen
        assert isinstance(question, NewClientQuestion)
        assert question.suggestions == ["Ana Lopez"]
        await pilot.press("enter", "escape")  # Enter confirms nothing; Escape goes back
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.started == [] and store.find_client("Ana Lopes") is None
        assert app.focused is app.screen.query_one("#new-client", Input)

        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")  # yes: Ana Lopez, no new client
        await settle(pilot)
        assert app.started == [("Ana Lopez", None)]
        assert store.find_client("Ana Lopes") is None
        assert len(store.clients()) == 3


def test_close_names_catch_first_names_and_typos_not_strangers() -> None:
    from companion.core.text import close_names

    names = ["Ana Lopez", "Ben Okafor", "Chloe Martin"]
    assert close_names("Ana", names) == ["Ana Lopez"]
    assert close_names("ana  lopes", names) == ["Ana Lopez"]
    assert close_names("Anna", names) == ["Ana Lopez"]
    assert close_names("Bern Okafor", names) == ["Ben Okafor"]
    assert close_names("Dana Ito", names) == []
    assert close_names("Ana Lopez", names) == []  # the name itself is no suggestion
    assert close_names("", names) == []
