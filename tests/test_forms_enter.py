"""Enter and focus in the forms: Enter on a field with a problem stays on it; a pre-filled field
reached by Enter, Tab or the form opening has its text selected, so typing replaces it (in every
form, the session-time form too); what the time form and the contract say about a bad value."""

from __future__ import annotations

from datetime import date

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner
from conftest import SamplePractice
from review_practice import build_review_practice
from test_forms import NOT_YET, FormHost, error_of, sync, type_text
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from companion.core.models import SESSIONS_PLANNED_MAX, Engagement, Goal
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.dialogs.contract_form import ContractForm
from companion.tui.dialogs.forms import GoalForm, new_goal
from companion.tui.dialogs.session_time_form import SessionTimeForm

CONTRACT = Engagement(id=3, client_id=1, start_date=date(2026, 12, 6), sponsor_name="Marc")


def field(screen: Screen[object], field_id: str) -> Input:
    return screen.query_one(f"#{field_id}", Input)


def selected(widget: Input) -> str:
    start, end = sorted(widget.selection)
    return widget.value[start:end]


async def go_to(pilot: Pilot[None], screen: Screen[object], field_id: str) -> None:
    """Tab from the first field until FIELD_ID has focus, as a coach would."""
    for _ in range(20):
        if field(screen, field_id).has_focus:
            return
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{field_id}")


# -- Enter on a field with a problem stays on it -----------------------------------------------


@sync
async def test_enter_on_a_bad_number_stays_and_the_next_field_keeps_its_date(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = FormHost(store, protocols, lambda: ContractForm(CONTRACT))
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        await go_to(pilot, form, "planned")
        await type_text(pilot, "six")
        await pilot.press("enter")
        await type_text(pilot, "Z")
        assert field(form, "planned").has_focus
        assert field(form, "planned").value == "sixZ"
        assert field(form, "start").value == "2026-12-06"
        assert (
            error_of(form, "planned")
            == f"A whole number from 1 to {SESSIONS_PLANNED_MAX}, or blank"
        )
        assert app.result is NOT_YET  # nothing saved, nothing cancelled


@sync
async def test_enter_on_a_good_field_moves_on_and_selects_what_is_there(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = FormHost(store, protocols, lambda: ContractForm(CONTRACT))
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        await go_to(pilot, form, "planned")
        await type_text(pilot, "6")
        await pilot.press("enter")
        start = field(form, "start")
        assert start.has_focus and selected(start) == "2026-12-06"
        await type_text(pilot, "2026-12-01")
        assert start.value == "2026-12-01"
        assert error_of(form, "planned") == ""


@sync
async def test_enter_on_a_day_month_date_in_a_goal_stays_on_timely(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = FormHost(store, protocols, lambda: GoalForm(new_goal(1)))
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        for text in ("Run 10k", "Sub 60", "Runs 5k", "3 eves"):
            await type_text(pilot, text)
            await pilot.press("enter")
        assert field(form, "timely").has_focus
        await type_text(pilot, "01/03/2027")
        await pilot.press("enter")
        await type_text(pilot, "X")
        assert field(form, "timely").has_focus
        assert field(form, "ecological").value == ""
        assert "YYYY-MM-DD" in error_of(form, "timely")


@sync
async def test_enter_on_a_blank_required_field_says_so_and_stays(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = FormHost(store, protocols, lambda: GoalForm(new_goal(1)))
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        await pilot.press("enter")
        assert field(form, "specific").has_focus
        assert "Required" in error_of(form, "specific")
        await type_text(pilot, "Lead it")
        assert error_of(form, "specific") == ""
        await pilot.press("enter")
        assert field(form, "measurable").has_focus
        await pilot.press("shift+tab", "end", "ctrl+u", "tab")  # Tab goes on: only Enter checks
        assert field(form, "measurable").has_focus


# -- one behaviour for pre-filled fields --------------------------------------------------------


@sync
async def test_the_first_field_and_each_field_reached_are_selected(
    store: Store, protocols: ProtocolLibrary
) -> None:
    goal = Goal(id=7, client_id=1, specific="Run a 10k", measurable="Sub 60")
    app = FormHost(store, protocols, lambda: GoalForm(goal))
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        assert selected(field(form, "specific")) == "Run a 10k"
        await pilot.press("tab")
        assert selected(field(form, "measurable")) == "Sub 60"
        await pilot.press("end", "!")  # End drops the selection: editing in place
        assert field(form, "measurable").value == "Sub 60!"


@pytest.fixture
def finished(store: Store, protocols: ProtocolLibrary) -> SessionTimeForm:
    session = build_review_practice(store, protocols).sessions[1]  # 2026-10-06 10:00-10:58
    return SessionTimeForm(store, session)


@sync
async def test_the_time_form_selects_like_the_others(
    store: Store, protocols: ProtocolLibrary, finished: SessionTimeForm
) -> None:
    app = FormHost(store, protocols, lambda: finished)
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        started = field(form, "time-started")
        assert started.has_focus and selected(started) == "2026-10-06 10:00"
        await type_text(pilot, "2026-10-06 10:05")
        assert started.value == "2026-10-06 10:05"
        await pilot.press("enter")
        ended = field(form, "time-ended")
        assert ended.has_focus and selected(ended) == "2026-10-06 10:58"
        await type_text(pilot, "2026-10-06 11:00")
        assert ended.value == "2026-10-06 11:00"


@sync
async def test_the_time_form_quotes_all_that_was_typed_and_names_date_and_time(
    store: Store, protocols: ProtocolLibrary, finished: SessionTimeForm
) -> None:
    app = FormHost(store, protocols, lambda: finished)
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        await pilot.press("end")  # the coach appends instead of replacing
        await type_text(pilot, "2026-10-06 11:00")
        await pilot.press("enter")
        started = field(form, "time-started")
        assert started.has_focus  # Enter stays on it
        message = error_of(form, "time-started")
        assert "'2026-10-06 10:002026-10-06 11:00'" in message
        assert "YYYY-MM-DD HH:MM" in message


# -- sessions planned: one limit for the form and the shell -------------------------------------


@sync
async def test_the_form_takes_as_many_planned_sessions_as_the_shell(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = FormHost(store, protocols, lambda: ContractForm(CONTRACT))
    async with app.run_test(size=(80, 24)) as pilot:
        form = app.screen
        planned = field(form, "planned")
        planned.value = str(SESSIONS_PLANNED_MAX + 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and error_of(form, "planned")
        planned.value = str(SESSIONS_PLANNED_MAX)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, Engagement)
    assert app.result.sessions_planned == SESSIONS_PLANNED_MAX


def test_the_shell_takes_as_many_planned_sessions_as_the_form(
    runner: CliRunner, sample: SamplePractice
) -> None:
    name = sample.client.name
    one_line_error(run(runner, "engagement", "set", "--client", name, "--planned", "0"))
    too_many = str(SESSIONS_PLANNED_MAX + 1)
    one_line_error(run(runner, "engagement", "set", "--client", name, "--planned", too_many))
    most = str(SESSIONS_PLANNED_MAX)
    assert run(runner, "engagement", "set", "--client", name, "--planned", most).exit_code == 0
    engagement = sample.store.get_engagement(sample.engagement.id)  # type: ignore[arg-type]
    assert engagement.sessions_planned == SESSIONS_PLANNED_MAX
