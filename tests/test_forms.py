"""Pilot tests of the modal forms (agreement, goal, action): what they return, what they refuse."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

import pytest
from conftest import SamplePractice
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from companion.core.models import Action, Agreement, Goal
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.dialogs.forms import (
    ActionForm,
    AgreementForm,
    FormScreen,
    GoalForm,
    new_action,
    new_goal,
)
from companion.tui.widgets.inputs import FormField, parse_date, parse_score

NOT_YET = object()


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no async plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


class FormHost(App[None]):
    """A bare app holding a practice, that opens one form and keeps what it returns."""

    def __init__(
        self, store: Store, protocols: ProtocolLibrary, form: Callable[[], Screen[object]]
    ) -> None:
        super().__init__()
        self.store = store
        self.protocols = protocols
        self._form = form
        self.result: object = NOT_YET

    def on_mount(self) -> None:
        self.push_screen(self._form(), self._done)

    def _done(self, result: object) -> None:
        self.result = result


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def error_of(screen: Screen[object], field_id: str) -> str:
    form_field = next(
        a for a in screen.query_one(f"#{field_id}").ancestors if isinstance(a, FormField)
    )
    if not form_field.has_error:
        return ""
    return str(form_field.query_one(".field-error", Static).content)


# -- agreement ---------------------------------------------------------------------------------


@sync
async def test_agreement_enter_walks_the_fields_and_saves_on_the_last(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = FormHost(store, protocols, lambda: AgreementForm(Agreement()))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Monday")
        await pilot.press("enter")
        await type_text(pilot, "A plan")
        await pilot.press("enter")
        assert app.result is NOT_YET  # Enter on a middle field only moves on
        await type_text(pilot, "3 lines")
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == Agreement(
        topic="Monday",
        desired_outcome="A plan",
        measure_of_success="3 lines",
    )


@sync
async def test_agreement_edits_what_was_there_and_escape_returns_none(
    store: Store, protocols: ProtocolLibrary
) -> None:
    before = Agreement(topic="Old topic", desired_outcome="Clarity")
    app = FormHost(store, protocols, lambda: AgreementForm(before))
    async with app.run_test(size=(80, 24)) as pilot:
        topic = app.screen.query_one("#topic", Input)
        assert topic.value == "Old topic" and topic.has_focus
        await type_text(pilot, "New")  # the text was selected on focus: typing replaces it
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FormScreen)
    assert app.result is None


# -- goals -------------------------------------------------------------------------------------


@sync
async def test_goal_form_adds_a_smarte_goal(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    client_id, engagement_id = sample.client.id, sample.engagement.id
    assert client_id is not None
    app = FormHost(sample.store, protocols, lambda: GoalForm(new_goal(client_id, engagement_id)))
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.screen.query("#status")  # a new goal is active: no status to choose
        for text in (
            "Run 10k",
            "Sub 60",
            "Runs 5k",
            "3 eves",
            "2027-03-01",
            "Buddy",
        ):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.pause()
    goal = app.result
    assert isinstance(goal, Goal)
    assert goal.id is None
    assert (goal.client_id, goal.engagement_id) == (client_id, engagement_id)
    assert goal.specific == "Run 10k"
    assert goal.measurable == "Sub 60"
    assert goal.achievable == "Runs 5k"
    assert goal.realistic == "3 eves"
    assert goal.timely == date(2027, 3, 1)
    assert goal.ecological == "Buddy"
    assert goal.status == "active"
    saved = sample.store.add_goal(goal)
    assert sample.store.get_goal(saved.id).specific == "Run 10k"  # type: ignore[arg-type]


@sync
async def test_goal_needs_its_specific_text(store: Store, protocols: ProtocolLibrary) -> None:
    app = FormHost(store, protocols, lambda: GoalForm(new_goal(1)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab")
        await type_text(pilot, "3 in a row")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GoalForm)  # still open
        assert "Required" in error_of(app.screen, "specific")
        assert app.screen.query_one("#specific", Input).has_focus
        await type_text(pilot, "Lead it")
        assert error_of(app.screen, "specific") == ""  # the mark goes as soon as it is right
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, Goal)
    assert (app.result.specific, app.result.measurable) == (
        "Lead it",
        "3 in a row",
    )


@pytest.mark.parametrize("typed", ["2027-02-30", "01/03/2027"])
@sync
async def test_goal_with_a_bad_due_date_stays_open_and_says_why(
    store: Store, protocols: ProtocolLibrary, typed: str
) -> None:
    goal = Goal(id=7, client_id=1, specific="Run a 10k race")
    app = FormHost(store, protocols, lambda: GoalForm(goal))
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#timely", Input).focus()
        await type_text(pilot, typed)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GoalForm)
        message = error_of(app.screen, "timely")
        assert message and ("YYYY-MM-DD" in message or "not a day" in message)
        assert app.screen.query_one("#timely", Input).has_focus
        app.screen.query_one("#timely", Input).value = ""
        await type_text(pilot, "2027-02-28")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, Goal)
    assert app.result.timely == date(2027, 2, 28)


@sync
async def test_goal_edit_keeps_identity_and_changes_status(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    app = FormHost(sample.store, protocols, lambda: GoalForm(sample.goal))
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.query_one("#specific", Input).value == sample.goal.specific
        assert app.screen.query_one("#timely", Input).value == "2027-01-31"
        app.screen.query_one("#status", Select).focus()
        await pilot.press("down", "down", "enter")  # open the list, active -> achieved
        await pilot.press("ctrl+s")
        await pilot.pause()
    goal = app.result
    assert isinstance(goal, Goal)
    assert goal.status == "achieved"
    assert goal.id == sample.goal.id
    assert goal.created_at == sample.goal.created_at
    assert goal.model_dump(exclude={"status"}) == sample.goal.model_dump(exclude={"status"})


@sync
async def test_escape_on_goal_form_returns_none(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    app = FormHost(sample.store, protocols, lambda: GoalForm(sample.goal))
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Other")
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None
    assert sample.store.get_goal(sample.goal.id).specific == sample.goal.specific  # type: ignore[arg-type]


# -- actions -----------------------------------------------------------------------------------


@sync
async def test_action_form_adds_an_action_for_the_coach_tied_to_a_goal(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    client_id = sample.client.id
    assert client_id is not None
    app = FormHost(
        sample.store,
        protocols,
        lambda: ActionForm(new_action(client_id, sample.first_session.id), [sample.goal]),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        assert not app.screen.query("#status")
        await type_text(pilot, "Send article")
        await pilot.press("tab", "down", "down", "enter")  # owner: coachee -> coach
        await pilot.press("tab")
        await type_text(pilot, "2026-12-01")
        await pilot.press("tab", "down", "down", "enter")  # goal: none -> the goal
        await pilot.press("ctrl+s")
        await pilot.pause()
    action = app.result
    assert isinstance(action, Action)
    assert action.id is None
    assert action.client_id == client_id
    assert action.session_id == sample.first_session.id
    assert action.text == "Send article"
    assert action.owner == "coach"
    assert action.due_on == date(2026, 12, 1)
    assert action.goal_id == sample.goal.id
    assert action.status == "open"


@sync
async def test_action_text_is_required_and_due_date_must_parse(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    app = FormHost(sample.store, protocols, lambda: ActionForm(new_action(1), []))
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#due", Input).focus()
        await type_text(pilot, "31.12.2026")
        await pilot.press("enter")  # Enter on a bad date stays on it and says why
        assert app.screen.query_one("#due", Input).has_focus
        assert "YYYY-MM-DD" in error_of(app.screen, "due")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        assert "Required" in error_of(app.screen, "text")
        assert "YYYY-MM-DD" in error_of(app.screen, "due")
        assert app.screen.query_one("#text", Input).has_focus  # the first field with a problem
        assert app.result is NOT_YET
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


@sync
async def test_action_edit_marks_it_done(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    app = FormHost(sample.store, protocols, lambda: ActionForm(sample.action, [sample.goal]))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.query_one("#text", Input).value == "Draft the meeting opening"
        assert screen.query_one("#due", Input).value == "2026-11-20"
        assert screen.query_one("#goal", Select).value == sample.goal.id
        screen.query_one("#status", Select).focus()
        await pilot.press("down", "down", "enter")  # open -> done
        await pilot.press("ctrl+s")
        await pilot.pause()
    action = app.result
    assert isinstance(action, Action)
    assert (action.id, action.status) == (sample.action.id, "done")
    assert action.closed_at is not None
    assert action.goal_id == sample.goal.id


@sync
async def test_an_action_tied_to_a_goal_not_offered_keeps_it(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    app = FormHost(sample.store, protocols, lambda: ActionForm(sample.action, []))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, Action)
    assert app.result.goal_id == sample.goal.id


# -- the input helpers -------------------------------------------------------------------------


def test_parse_date_takes_iso_and_short_unambiguous_forms() -> None:
    today = date(2026, 11, 25)
    assert parse_date("2027-03-01", today=today) == date(2027, 3, 1)
    assert parse_date("  ", today=today) is None
    assert parse_date("today", today=today) == today
    assert parse_date("Tomorrow", today=today) == date(2026, 11, 26)
    assert parse_date("+10d", today=today) == date(2026, 12, 5)
    assert parse_date("+2w", today=today) == date(2026, 12, 9)
    assert parse_date("march 1", today=today) == date(2027, 3, 1)  # a month in words: one day
    for ambiguous in ("01/03/2027", "3/1/27", "20270301", "2027-W09-1"):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            parse_date(ambiguous, today=today)
    with pytest.raises(ValueError, match="not a day"):
        parse_date("2027-02-29", today=today)


def test_parse_score_takes_0_to_10() -> None:
    assert parse_score("") is None
    assert parse_score(" 7 ") == 7
    assert parse_score("0") == 0 and parse_score("10") == 10
    for bad in ("11", "-1", "7.5", "seven"):
        with pytest.raises(ValueError, match="0 to 10"):
            parse_score(bad)
