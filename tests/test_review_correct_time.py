"""Correcting a finished session's time from the review's session view (`e`), through Pilot."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from click.testing import CliRunner
from review_practice import TODAY, ReviewPractice, build_review_practice
from test_review import RecordingApp, settle, sync, text_of
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from companion.cli import cli
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.dialogs.session_time_form import SessionTimeForm
from companion.tui.factory import OpenReview, build_app
from companion.tui.screens.review_session import SessionScreen
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.review_commands import screen_commands


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> ReviewPractice:
    return build_review_practice(store, protocols)


async def open_session(pilot: Pilot[Any], session_id: int) -> SessionScreen:
    await settle(pilot)
    pilot.app.push_screen(SessionScreen(session_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen) and screen.view is not None
    return screen


async def open_form(pilot: Pilot[Any]) -> SessionTimeForm:
    await pilot.press("t")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, SessionTimeForm)
    return form


async def retype(pilot: Pilot[Any], form: SessionTimeForm, field_id: str, text: str) -> None:
    """Go to the field and type TEXT in place of what it holds."""
    form.query_one(f"#{field_id}", Input).focus()
    await pilot.press("end", "ctrl+u", *text)


def values(form: SessionTimeForm) -> list[str]:
    return [
        form.query_one(f"#time-{name}", Input).value for name in ("started", "ended", "minutes")
    ]


def form_error(form: SessionTimeForm) -> str:
    return str(form.query_one("#form-error", Static).render())


def field_error(form: SessionTimeForm, field_id: str) -> str:
    field = form.query_one(f"#{field_id}", Input).parent
    assert field is not None and field.parent is not None
    return str(field.parent.query_one(".field-error", Static).render())


def logged_seconds(runner: CliRunner) -> int:
    """Ana's paid engagement in `companion log --format json`."""
    result = runner.invoke(cli, ["log", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    return next(row["seconds"] for row in rows if row["client_name"] == "Ana Lopez")


@sync
async def test_new_minutes_are_stored_and_the_hours_log_follows(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice, runner: CliRunner
) -> None:
    second = practice.sessions[1]  # 2026-10-06 10:00-10:58, 58 minutes
    assert second.id is not None and second.duration_seconds is not None
    logged_before = logged_seconds(runner)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    said: list[str] = []
    app.notify = lambda message, **_: said.append(str(message))  # type: ignore[method-assign,assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(pilot, second.id)
        assert "Correct time" in [title for title, _, _ in screen_commands(screen)]
        form = await open_form(pilot)
        assert values(form) == ["2026-10-06 10:00", "2026-10-06 10:58", "58"]
        assert app.focused is form.query_one("#time-started", Input)

        form.query_one("#time-minutes", Input).focus()
        # reaching it selects "58" (typing would replace it); End drops that to edit in place
        await pilot.press("end", "backspace", "home", "4")  # "58" -> "45"
        assert values(form)[2] == "45"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)

        assert app.screen is screen
        corrected = store.get_session(second.id)
        assert corrected.duration_seconds == 2700
        assert corrected.started_at == second.started_at and corrected.ended_at == second.ended_at
        assert "45 min of 60 planned" in text_of(screen.query_one("#session-title", Label))
        assert said == ["Session time corrected"]
    assert logged_seconds(runner) == logged_before - second.duration_seconds + 2700


@sync
async def test_a_new_start_alone_lets_the_store_count_end_minus_start(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(pilot, second.id)
        form = await open_form(pilot)
        await retype(pilot, form, "time-started", "2026-10-06 10:08")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is screen
        corrected = store.get_session(second.id)
        assert corrected.started_at == datetime(2026, 10, 6, 10, 8)
        assert corrected.ended_at == second.ended_at == datetime(2026, 10, 6, 10, 58)
        assert corrected.duration_seconds == 50 * 60  # end minus the new start
        assert "2026-10-06 10:08–10:58" in text_of(screen.query_one("#session-title", Label))


@sync
async def test_a_new_end_and_new_minutes_are_both_kept(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, second.id)
        form = await open_form(pilot)
        await retype(pilot, form, "time-ended", "2026-10-06 11:15")
        await retype(pilot, form, "time-minutes", "70")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        corrected = store.get_session(second.id)
        assert corrected.ended_at == datetime(2026, 10, 6, 11, 15)
        assert corrected.started_at == second.started_at
        assert corrected.duration_seconds == 70 * 60


@sync
async def test_an_end_before_the_start_is_said_in_the_form_and_nothing_is_written(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    before = store.get_session(second.id)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, second.id)
        form = await open_form(pilot)
        await retype(pilot, form, "time-ended", "2026-10-06 09:00")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen is form  # still open, with what was typed
        assert values(form) == ["2026-10-06 10:00", "2026-10-06 09:00", "58"]
        assert "must be after the start" in form_error(form)
        assert store.get_session(second.id) == before

        await retype(pilot, form, "time-ended", "tomorrow-ish")  # not a date: said by the field
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "is not a date and time" in field_error(form, "time-ended")
        assert store.get_session(second.id) == before

        await retype(pilot, form, "time-ended", "2026-10-06 10:50")  # fixed: saves
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert store.get_session(second.id).duration_seconds == 50 * 60


@sync
async def test_escape_writes_nothing(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    before = store.get_session(second.id)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(pilot, second.id)
        form = await open_form(pilot)
        await retype(pilot, form, "time-minutes", "30")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert store.get_session(second.id) == before


@sync
async def test_saving_nothing_changed_says_so(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    before = store.get_session(second.id)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, second.id)
        form = await open_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "Nothing changed" in form_error(form)
        assert store.get_session(second.id) == before


@sync
async def test_e_on_an_unfinished_session_does_nothing(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    unfinished = practice.unfinished
    assert unfinished.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(pilot, unfinished.id)
        assert "Correct time" not in [title for title, _, _ in screen_commands(screen)]
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is screen
        screen.action_correct_time()  # even asked directly, it only says why not
        await settle(pilot)
        assert app.screen is screen
        assert store.get_session(unfinished.id).ended_at is None
