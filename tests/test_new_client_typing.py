"""A coach who types notes while a question is up loses no word and decides nothing by
accident: an answer key counts only after a pause in typing (tui.dialogs.question), other text
is kept and goes into the notes. Before a new client, Enter after words adds the client; Esc
keeps the words for the next session. Over the live screen (`companion start`, an unfinished
session), the words go into its notes whatever the answer."""

from __future__ import annotations

from typing import Any

import pytest
from test_live import settle_saved
from test_review import settle, sync
from textual.pilot import Pilot

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.dialogs import question as questions
from companion.tui.dialogs.new_client import NewClientQuestion
from companion.tui.factory import OpenHome, build_app
from companion.tui.screens.live import LiveScreen

WORDS = "- wants more time for strategy; 1:1 with Sam"  # a y and a 1 inside the words


class Clock:
    """The questions' clock: still unless a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Questions wait for a pause of 0.8 s, on a clock the test moves."""
    fake = Clock()
    monkeypatch.setattr(questions, "PAUSE_SECONDS", 0.8)
    monkeypatch.setattr(questions.Question, "clock", fake)
    return fake


KEYS = {" ": "space", ";": "semicolon", ":": "colon", "/": "slash"}


async def ask_for(pilot: Pilot[Any], name: str) -> None:
    """Home, NAME typed and Enter: the question before a new client."""
    await settle(pilot)
    await pilot.press(*name, "enter")
    await settle(pilot)


async def live_opened(pilot: Pilot[Any]) -> LiveScreen:
    """The live screen that opened, once its notes are saved."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LiveScreen)
    await settle_saved(pilot, pilot.app)
    return screen


async def type_words(pilot: Pilot[Any], text: str) -> None:
    for char in text:
        await pilot.press(KEYS.get(char, char))


@sync
async def test_words_typed_into_the_question_begin_the_notes(
    store: Store, protocols: ProtocolLibrary, clock: Clock
) -> None:
    app = build_app(OpenHome(), store, protocols)
    app.autosave_seconds = 0.01
    async with app.run_test(size=(80, 24)) as pilot:
        await ask_for(pilot, "Jonas Berg")
        question = app.screen
        assert isinstance(question, NewClientQuestion)
        await type_words(pilot, WORDS)
        assert app.screen is question  # the y of "strategy" and the 1 answered nothing
        assert question.typed == WORDS
        assert store.find_client("Jonas Berg") is None
        await pilot.press("enter")  # after text, Enter adds the client as typed
        screen = await live_opened(pilot)
        await type_words(pilot, "// tired")
        await settle_saved(pilot, app)
        notes = store.get_notes(screen.session_id).text
        # every word, in order, the cursor after them; the Enter that added the client ended
        # the line, so a private line typed next stays a line of its own
        assert WORDS + "\n// tired" in notes


@sync
async def test_esc_keeps_the_words_for_the_next_session(
    store: Store, protocols: ProtocolLibrary, clock: Clock
) -> None:
    app = build_app(OpenHome(), store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask_for(pilot, "Jonas Bergg")
        await type_words(pilot, "tired today")
        await pilot.press("escape")  # the name had a typo: back to it
        await settle(pilot)
        assert not isinstance(app.screen, NewClientQuestion)
        assert any("kept" in n.message for n in app._notifications)
        await pilot.press("backspace", "enter")  # "Jonas Berg"
        await settle(pilot)
        clock.now += 1  # the coach reads the question
        await pilot.press("y")  # after a pause: the answer
        screen = await live_opened(pilot)
        assert "tired today" in store.get_notes(screen.session_id).text


@sync
async def test_y_after_a_pause_answers(
    store: Store, protocols: ProtocolLibrary, clock: Clock
) -> None:
    app = build_app(OpenHome(), store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask_for(pilot, "Jonas Berg")
        await pilot.press("enter")  # the Enter behind the name (a double press): nothing
        assert isinstance(app.screen, NewClientQuestion)
        await pilot.press("y")  # at once: nobody reads a question so fast, so it is text
        assert isinstance(app.screen, NewClientQuestion) and app.screen.typed == "y"
        await pilot.press("backspace")
        clock.now += 1
        await pilot.press("y")
        await live_opened(pilot)
        assert store.find_client("Jonas Berg") is not None


@sync
async def test_typing_over_the_resume_offer_goes_into_the_notes(
    store: Store, protocols: ProtocolLibrary, clock: Clock
) -> None:
    """`companion start` for a client with an unfinished session: the offer comes up over the
    live screen while the coach types; the r of "board" and the n of "wants" answer nothing."""
    from companion.core.terms import SessionStart
    from companion.services.practice import begin_session
    from companion.tui.dialogs.live_dialogs import ResumeOffer
    from companion.tui.factory import StartSession

    unfinished = begin_session(store, protocols, "Maria Keller", protocol_id="grow")
    app = build_app(StartSession(SessionStart("Maria Keller")), store, protocols)
    app.autosave_seconds = 0.01
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeOffer)
        await type_words(pilot, "the board wants results")
        assert isinstance(app.screen, ResumeOffer)  # still asking
        clock.now += 1  # a pause: the coach reads the question
        await pilot.press("r")
        await settle_saved(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session_id == unfinished.id
        assert "the board wants results" in store.get_notes(unfinished.id).text  # type: ignore[arg-type]


def resume_offer_app(store: Store, protocols: ProtocolLibrary) -> tuple[Any, int]:
    """`companion start` for a client with an unfinished session: the app, and that session."""
    from companion.core.terms import SessionStart
    from companion.services.practice import begin_session
    from companion.tui.factory import StartSession

    unfinished = begin_session(store, protocols, "Maria Keller", protocol_id="grow")
    assert unfinished.id is not None
    app = build_app(StartSession(SessionStart("Maria Keller")), store, protocols)
    app.autosave_seconds = 0.01
    return app, unfinished.id


@sync
async def test_words_typed_after_reading_the_question_are_words_not_an_answer(
    store: Store, protocols: ProtocolLibrary, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coach reads the offer, then types (or pastes) "now she says X": its n, after a
    pause, is followed at once by more text, so it starts no new session and is kept."""
    from companion.tui.dialogs.live_dialogs import ResumeOffer

    monkeypatch.setattr(questions, "SETTLE_SECONDS", 60.0)  # no key here waits that long
    app, unfinished = resume_offer_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, ResumeOffer)
        clock.now += 1  # the coach reads the question
        await type_words(pilot, "now she says X")
        assert app.screen is offer and offer.typed == "now she says X"
        clock.now += 1
        await pilot.press("r", "backspace")  # taken back: neither an answer nor text
        assert app.screen is offer and offer.typed == "now she says X"
        clock.now += 1
        await pilot.press("r", "enter")  # r, then Enter at once: the answer
        await settle_saved(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session_id == unfinished
        assert "now she says X" in store.get_notes(unfinished).text
    sessions = store.sessions(client_id=store.find_client("Maria Keller").id)  # type: ignore[union-attr]
    assert [s.id for s in sessions] == [unfinished]  # no new session was started


@sync
async def test_an_answer_key_alone_answers_once_nothing_follows_it(
    store: Store, protocols: ProtocolLibrary, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(questions, "SETTLE_SECONDS", 0.05)
    app, unfinished = resume_offer_app(store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.now += 1
        await pilot.press("r")
        for _ in range(200):
            if isinstance(app.screen, LiveScreen):
                break
            await pilot.pause(0.02)
        await settle_saved(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session_id == unfinished
        assert "r" not in store.get_notes(unfinished).text.split()
