"""Search that lands: goals (every SMARTE field) and the contract are searched, hits say the
session's date and step, and opening one shows the session at the match, n / N to move on."""

from __future__ import annotations

from typing import Any

import pytest
from cli_helpers import run
from click.testing import CliRunner
from review_practice import TODAY, ReviewPractice, build_review_practice
from test_review import RecordingApp, settle, sync
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import OptionList

from companion.core.notes import step_of_match
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.factory import OpenReview, build_app
from companion.tui.screens.review_find import highlighted
from companion.tui.screens.review_session import SessionScreen
from companion.tui.widgets import review_format as fmt


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> ReviewPractice:
    built = build_review_practice(store, protocols)
    goal = built.goal.model_copy(
        update={"measurable": "Runs it with one index card", "ecological": "Keeps Fridays free"}
    )
    store.save_goal(goal)
    return built


def test_goals_and_the_contract_are_searched(store: Store, practice: ReviewPractice) -> None:
    assert {(h.kind, h.client_name) for h in store.search("index card")} == {("goal", "Ana Lopez")}
    assert [h.kind for h in store.search("fridays")] == ["goal"]  # the E of SMARTE too
    assert [h.kind for h in store.search("sponsor hears")] == ["contract"]  # confidentiality
    assert [h.kind for h in store.search("confidence")] == ["contract"]  # the objective
    assert [h.kind for h in store.search("Dubois")] == ["contract"]  # the sponsor


def test_a_notes_hit_says_its_step(store: Store, practice: ReviewPractice) -> None:
    (hit,) = store.search("nervous")
    assert hit.kind == "notes" and hit.step == "Reality"
    assert hit.started_at is not None and hit.started_at.date().isoformat() == "2026-10-06"
    (hit,) = store.search("weekly report")
    assert hit.step == "Options"  # a heading without its time is still the step
    assert step_of_match("Hand over first\n## Options\nHand over", "[[Hand]] over") == ""


def test_search_from_the_shell_shows_date_and_step(runner: CliRunner, practice) -> None:  # type: ignore[no-untyped-def]
    out = run(runner, "search", "nervous").stdout
    assert "session 2, 2026-10-06, Reality · notes" in out
    assert "goal" in run(runner, "search", "index card").stdout


def test_highlighted_marks_whole_words_and_leaves_code_alone() -> None:
    text, lines = highlighted("Délégation first\n```\ndelegate here\n```\nno\n", ["deleg"])
    assert text == "`Délégation` first\n```\ndelegate here\n```\nno\n"
    assert lines == [0, 2]


def in_view(screen: SessionScreen) -> bool:
    """The current place is on screen, inside the scrolled session (screen coordinates)."""
    scroller = screen.query_one("#session", VerticalScroll)
    widget = screen.places[screen.place]
    return scroller.region.y <= widget.region.y < scroller.region.bottom


async def search_and_open(pilot: Pilot[Any], query: str) -> SessionScreen:
    await settle(pilot)
    await pilot.press("slash", *query, "enter")
    await settle(pilot)
    await pilot.press("enter")
    for _ in range(3):
        await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    return screen


@sync
async def test_opening_a_hit_lands_on_the_match_and_n_moves_on(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"feedback", "enter")
        await settle(pilot)
        hits = app.screen.query_one("#hits", OptionList)
        prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
        assert any("2026-10-06 · Reality · notes" in prompt for prompt in prompts)
        screen = await search_and_open(pilot, "")
        assert screen.find == "feedback"
        assert "`feedback`" in screen.query_one("#notes").source  # type: ignore[attr-defined]
        assert len(screen.places) == 2  # the notes' list, the box of the actions set
        first = screen.places[0]
        assert first.has_class("-current-match") and in_view(screen)
        await pilot.press("n")
        await settle(pilot)
        assert screen.place == 1 and screen.places[1].has_class("-current-match")
        assert not first.has_class("-current-match") and in_view(screen)
        await pilot.press("n")  # round to the first again
        await settle(pilot)
        assert screen.place == 0 and in_view(screen)
        await pilot.press("N")  # and back, round the other way
        await settle(pilot)
        assert screen.place == 1 and in_view(screen)
        assert app.started == []  # n was the next match, never the next session
