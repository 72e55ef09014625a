"""A coach who types notes while the question before a new client is up loses no word and
decides nothing by accident: y and 1-3 answer only as the first key, other text is kept and
begins the session's notes (Enter then adds the client); Esc keeps the words for the next start."""

from __future__ import annotations

from typing import Any

from test_live import settle_saved
from test_review import settle, sync
from textual.pilot import Pilot

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.dialogs.new_client import NewClientQuestion
from companion.tui.factory import OpenHome, build_app
from companion.tui.screens.live import LiveScreen

WORDS = "- wants more time for strategy; 1:1 with Sam"  # a y and a 1 inside the words


KEYS = {" ": "space", ";": "semicolon", ":": "colon", "/": "slash"}


async def type_words(pilot: Pilot[Any], text: str) -> None:
    for char in text:
        await pilot.press(KEYS.get(char, char))


@sync
async def test_words_typed_into_the_question_begin_the_notes(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = build_app(OpenHome(), store, protocols)
    app.autosave_seconds = 0.01
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Jonas Berg", "enter")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, NewClientQuestion)
        await type_words(pilot, WORDS)
        assert app.screen is question  # the y of "strategy" and the 1 answered nothing
        assert question.typed == WORDS
        assert store.find_client("Jonas Berg") is None
        await pilot.press("enter")  # after text, Enter adds the client as typed
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await settle_saved(pilot, app)
        await type_words(pilot, "// tired")
        await settle_saved(pilot, app)
        notes = store.get_notes(screen.session_id).text
        # every word, in order, the cursor after them; the Enter that added the client ended
        # the line, so a private line typed next stays a line of its own
        assert WORDS + "\n// tired" in notes


@sync
async def test_esc_keeps_the_words_for_the_next_session(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = build_app(OpenHome(), store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Jonas Bergg", "enter")
        await settle(pilot)
        await type_words(pilot, "tired today")
        await pilot.press("escape")  # the name had a typo: back to it
        await settle(pilot)
        assert not isinstance(app.screen, NewClientQuestion)
        assert any("kept" in n.message for n in app._notifications)
        await pilot.press("backspace", "enter")  # "Jonas Berg"
        await settle(pilot)
        await pilot.press("y")  # the first key: the answer
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        await settle_saved(pilot, app)
        assert "tired today" in store.get_notes(screen.session_id).text


@sync
async def test_y_as_the_first_key_still_answers(store: Store, protocols: ProtocolLibrary) -> None:
    app = build_app(OpenHome(), store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"Jonas Berg", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the Enter behind the name (a double press): nothing
        assert isinstance(app.screen, NewClientQuestion)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, LiveScreen)
        assert store.find_client("Jonas Berg") is not None
