"""Correcting a past session from the review (e), and its recap (c, v), through Pilot: what the
store holds afterwards, and that it is searchable at once."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pyperclip
import pytest
from review_practice import TODAY, ReviewPractice, build_review_practice
from test_review import RecordingApp, settle, sync
from test_review_correct_time import open_session
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from companion.core.models import now
from companion.core.protocols import ProtocolLibrary
from companion.services.recaps import session_recap
from companion.store import Store
from companion.store.lease import this_host
from companion.tui.dialogs.session_record_form import SessionRecordForm
from companion.tui.factory import OpenReview, build_app
from companion.tui.screens.recap_preview import RecapPreview
from companion.tui.screens.review_session import SessionScreen
from companion.tui.screens.session_editor import SessionEditor
from companion.tui.widgets import review_format as fmt


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> ReviewPractice:
    return build_review_practice(store, protocols)


@pytest.fixture
def board(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    copied: list[str] = []
    monkeypatch.setattr(
        pyperclip, "determine_clipboard", lambda: (copied.append, lambda: copied[-1])
    )
    return copied


async def open_editor(pilot: Pilot[Any]) -> SessionEditor:
    await pilot.press("e")
    await settle(pilot)
    editor = pilot.app.screen
    assert isinstance(editor, SessionEditor) and editor.record is not None
    return editor


async def leave(pilot: Pilot[Any]) -> None:
    await pilot.press("escape")
    for _ in range(3):
        await settle(pilot)


@sync
async def test_editing_the_notes_in_review_autosaves_them_and_search_finds_them(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, second.id)
        editor = await open_editor(pilot)
        assert store.live_lease(second.id, now()) is not None  # held while editing
        editor.notes.move_cursor(editor.notes.document.end)
        await pilot.press("enter", *"Quokka", "space", *"moment")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert store.get_notes(second.id).text.endswith("\nQuokka moment")
        assert [hit.session_id for hit in store.search("quokka")] == [second.id]
        await pilot.press("enter", *"later")  # typed, then leaving saves it
        await leave(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert not editor.held
    assert store.get_notes(second.id).text.endswith("\nQuokka moment\nlater")
    assert store.live_lease(second.id, now()) is None  # let go
    assert "// seems tired" in store.get_notes(second.id).text  # nothing else touched


@sync
async def test_correcting_an_action_a_score_and_the_agreement_in_review(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(pilot, second.id)
        await open_editor(pilot)
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SessionRecordForm)
        action = practice.overdue
        assert action.id is not None and practice.goal.id is not None
        form.query_one(f"#action-{action.id}", Input).value = "Ask three colleagues for feedback"
        form.query_one(f"#due-{action.id}", Input).value = "2026-12-04"
        form.query_one(f"#status-{action.id}", Select).value = "done"
        form.query_one(f"#score-{practice.goal.id}", Input).value = "8"
        form.query_one("#topic", Input).value = "Preparing the Monday meeting"
        form.query_one("#next-on", Input).value = "2026-10-20"
        form.query_one("#takeaways", TextArea).text = "I know how I want to start\nBreathe first"
        await pilot.press("ctrl+s")
        for _ in range(3):
            await settle(pilot)
        assert isinstance(app.screen, SessionEditor)
        await leave(pilot)
        assert app.screen is screen

    corrected = store.get_action(action.id)
    assert corrected.text == "Ask three colleagues for feedback"
    assert corrected.due_on == date(2026, 12, 4)
    assert corrected.status == "done" and corrected.closed_at is not None
    scores = {s.goal_id: s.score for s in store.goal_scores(session_id=second.id)}
    assert scores[practice.goal.id] == 8
    session = store.get_session(second.id)
    assert session.agreement.topic == "Preparing the Monday meeting"
    assert session.agreement.desired_outcome == "A plan for the opening"  # kept
    assert session.next_session_on == date(2026, 10, 20)
    assert [t.text for t in store.takeaways(second.id)] == [
        "I know how I want to start",
        "Breathe first",
    ]
    assert [h.session_id for h in store.search("three colleagues")] == [second.id]
    assert [h.kind for h in store.search("breathe")] == ["takeaway"]


@sync
async def test_a_bad_score_keeps_the_form_open_and_changes_nothing(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None and practice.goal.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, second.id)
        await open_editor(pilot)
        await pilot.press("f2")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SessionRecordForm)
        for _ in range(100):  # its fields come with the record it reads: bounded, not timed
            if form.query(f"#score-{practice.goal.id}"):
                break
            await settle(pilot)
        form.query_one(f"#score-{practice.goal.id}", Input).value = "11"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)
        await leave(pilot)
    scores = {s.goal_id: s.score for s in store.goal_scores(session_id=second.id)}
    assert scores[practice.goal.id] == 6


@sync
async def test_a_session_open_in_a_live_window_cannot_be_edited(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    store.take_lease(second.id, token="live", pid=os.getpid(), host=this_host(), at=now())
    before = store.get_notes(second.id).text
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_session(pilot, second.id)
        await pilot.press("e")
        for _ in range(3):
            await settle(pilot)
        assert app.screen is screen  # refused, said, back
        await pilot.press(*"typed")
    assert store.get_notes(second.id).text == before


@sync
async def test_c_copies_the_recap_and_v_edits_it_for_the_next_copy(
    store: Store, protocols: ProtocolLibrary, practice: ReviewPractice, board: list[str]
) -> None:
    second = practice.sessions[1]
    assert second.id is not None
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_session(pilot, second.id)
        await pilot.press("c")
        await settle(pilot)
        assert board == [session_recap(store, second.id, "markdown").text]
        assert board[0].startswith("# Session recap — Ana")
        assert "seems tired" not in board[0]

        await pilot.press("v")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, RecapPreview)
        await pilot.press("ctrl+t")  # the plain-text form
        await settle(pilot)
        editor = preview.query_one("#recap-text", TextArea)
        assert editor.text.startswith("Session recap — Ana")
        editor.text = editor.text.replace("Hello Ana,", "Dear Ana,")
        await pilot.press("f8")
        await settle(pilot)
        assert board[-1].startswith("Session recap — Ana") and "Dear Ana," in board[-1]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)

    edits = store.recap_edits(second.id)
    assert set(edits) == {"text"} and "Dear Ana," in edits["text"].text
    assert session_recap(store, second.id, "text").text == board[-1]  # re-copying: the edit
