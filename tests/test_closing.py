"""The closing screen: pre-filled actions, edits, scores, takeaways, next date; what is stored."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static, TextArea

from companion.core.models import Action, Client, Engagement, Goal, Session, now
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.store.views import closing_view
from companion.tui.dialogs.forms import ActionForm
from companion.tui.screens.closing import (
    ActionDraft,
    ClosingScreen,
    actions_to_store,
    closing_actions,
    takeaway_lines,
    view_drafts,
)
from companion.tui.widgets.review_commands import screen_commands

NOTES = """## Options · 10:20
- [ ] Draft the opening lines
// - [ ] ask HR about her workload
- [ ] // check the sponsor's view
! She wants to open with a question
  - [ ] ask two colleagues   for feedback
- [x] Already done in the session
"""


@dataclass
class ClosingPractice:
    """Ana, two sessions: the first finished (a score of 4), the second about to be closed."""

    store: Store
    client: Client
    goal: Goal
    other_goal: Goal
    achieved_goal: Goal
    earlier: Session
    session: Session
    asked: Action  # stored on the live screen, also a `- [ ]` line in the notes
    room: Action  # stored on the live screen only


def build_closing_practice(store: Store, protocols: ProtocolLibrary) -> ClosingPractice:
    """Fixed dates throughout, so the snapshots stay the same from day to day."""
    grow = protocols.get("grow").model_dump_json()
    client = store.add_client(Client(name="Ana Lopez", created_at=datetime(2026, 9, 1, 9, 0)))
    assert client.id is not None
    engagement = store.add_engagement(
        Engagement(client_id=client.id, start_date=date(2026, 9, 1), sessions_planned=6)
    )

    def goal(specific: str, **more: Any) -> Goal:
        return store.add_goal(
            Goal(
                client_id=client.id,  # type: ignore[arg-type]
                engagement_id=engagement.id,
                specific=specific,
                created_at=datetime(2026, 9, 1, 9, 30),
                **more,
            )
        )

    lead = goal("Lead the weekly team meeting without notes", timely=date(2027, 1, 31))
    say_no = goal("Say no to extra projects, kindly")
    achieved = goal("Finish the leadership course", status="achieved")

    def session(started: datetime) -> Session:
        return store.add_session(
            Session(
                client_id=client.id,  # type: ignore[arg-type]
                engagement_id=engagement.id,
                protocol_id="grow",
                protocol_snapshot=grow,
                started_at=started,
            )
        )

    earlier = session(datetime(2026, 11, 11, 10, 0))
    assert earlier.id is not None
    store.set_goal_score(lead.id, earlier.id, 4)  # type: ignore[arg-type]
    earlier = store.finish_session(earlier.id, ended_at=datetime(2026, 11, 11, 11, 0))

    today = session(datetime(2026, 11, 25, 10, 0))
    assert today.id is not None
    store.save_notes(today.id, NOTES)

    def action(text: str, **more: Any) -> Action:
        return store.add_action(
            Action(
                client_id=client.id,  # type: ignore[arg-type]
                session_id=today.id,
                text=text,
                created_at=datetime(2026, 11, 25, 10, 30),
                **more,
            )
        )

    asked = action("Ask two colleagues for feedback", due_on=date(2026, 12, 2), goal_id=lead.id)
    room = action("Book the big meeting room", owner="coach")
    return ClosingPractice(store, client, lead, say_no, achieved, earlier, today, asked, room)


@pytest.fixture
def practice(store: Store, protocols: ProtocolLibrary) -> ClosingPractice:
    return build_closing_practice(store, protocols)


class ClosingHost(App[None]):
    """A bare app with a practice that opens the closing screen and keeps what it returns."""

    TITLE = "companion"

    def __init__(self, store: Store, protocols: ProtocolLibrary, session_id: int) -> None:
        super().__init__()
        self.store = store
        self.protocols = protocols
        self.clock = now
        self.session_id = session_id
        self.results: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(ClosingScreen(self.session_id), self.results.append)


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test in its own event loop (no async plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Pilot[Any]) -> None:
    """Let screen switches and the workers (reading, the final write) finish."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    keys = {" ": "space", "\n": "enter"}
    await pilot.press(*[keys.get(ch, ch) for ch in text])


async def to_actions(pilot: Pilot[Any]) -> None:
    """From the takeaways (focused first) back to the action list, as a coach does: shift+tab
    past the goal scores."""
    actions = pilot.app.screen.query_one("#actions", OptionList)
    for _ in range(6):
        if actions.has_focus:
            return
        await pilot.press("shift+tab")
    assert actions.has_focus


def action_lines(screen: ClosingScreen) -> list[str]:
    options = screen.query_one("#actions", OptionList)
    return [
        str(options.get_option_at_index(i).prompt).split("\n")[0]
        for i in range(options.option_count)
    ]


def host(practice: ClosingPractice, protocols: ProtocolLibrary) -> ClosingHost:
    assert practice.session.id is not None
    return ClosingHost(practice.store, protocols, practice.session.id)


# -- what the screen starts from (pure parts) -------------------------------------------------


def test_actions_come_from_stored_ones_then_the_notes_without_private_lines_or_repeats(
    practice: ClosingPractice,
) -> None:
    drafts = view_drafts(closing_view(practice.store, practice.session.id))  # type: ignore[arg-type]
    assert [d.action.text for d in drafts] == [
        "Ask two colleagues for feedback",  # stored (its note line, spaced and cased apart, too)
        "Book the big meeting room",  # stored
        "Draft the opening lines",  # from the notes only
    ]
    assert [d.action.id for d in drafts] == [practice.asked.id, practice.room.id, None]
    new = drafts[2].action
    assert (new.client_id, new.session_id) == (practice.client.id, practice.session.id)
    assert all(d.kept for d in drafts)


def test_active_goals_only_with_the_last_earlier_score(practice: ClosingPractice) -> None:
    data = closing_view(practice.store, practice.session.id)  # type: ignore[arg-type]
    assert [item.goal.id for item in data.goals] == [practice.goal.id, practice.other_goal.id]
    assert [item.previous_score for item in data.goals] == [4, None]
    assert data.session_number == 2 and data.sessions_planned == 6


def test_removed_actions_stored_before_are_dropped_and_new_ones_simply_left_out() -> None:
    stored = Action(id=3, client_id=1, session_id=2, text="Stored")
    new = Action(client_id=1, session_id=2, text="New")
    dropped_earlier = Action(id=4, client_id=1, session_id=2, text="Back", status="dropped")
    drafts = [
        ActionDraft(stored, kept=False),
        ActionDraft(new, kept=False),
        ActionDraft(dropped_earlier, kept=True),
    ]
    result = actions_to_store(drafts)
    assert [(a.id, a.status) for a in result] == [(3, "dropped"), (4, "open")]
    assert result[0].closed_at is not None and result[1].closed_at is None


def test_closing_actions_from_empty_notes() -> None:
    assert closing_actions("", [], client_id=1, session_id=2) == []
    assert [
        d.action.text
        for d in closing_actions("- [ ] a\n- [ ]  A \n", [], client_id=1, session_id=2)
    ] == ["a"]


def test_an_action_line_due_in_plus_days_arrives_with_its_date() -> None:
    """'+7d' is a date wherever the coach types one: the notes' action lines too."""
    drafts = closing_actions(
        "- [ ] Send CV to recruiter +7d\n", [], client_id=1, session_id=2, today=date(2026, 12, 2)
    )
    assert [(d.action.text, d.action.due_on) for d in drafts] == [
        ("Send CV to recruiter +7d", date(2026, 12, 9))
    ]


def test_takeaways_one_per_line_without_bullets() -> None:
    assert takeaway_lines("- Start with a question\n\n  * Breathe first \nOwn words\n") == [
        "Start with a question",
        "Breathe first",
        "Own words",
    ]


# -- the whole flow ---------------------------------------------------------------------------


@sync
async def test_close_session_stores_actions_scores_takeaways_and_next_date(
    practice: ClosingPractice, protocols: ProtocolLibrary
) -> None:
    store = practice.store
    session_id = practice.session.id
    assert session_id is not None
    before = now()
    app = host(practice, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        assert action_lines(screen) == [
            "✓ Ask two colleagues for feedback",
            "✓ Book the big meeting room",
            "✓ Draft the opening lines",
        ]
        assert screen.query_one("#takeaways", TextArea).has_focus  # words typed at once land here
        await to_actions(pilot)

        # remove the room booking, edit the action from the notes
        await pilot.press("down", "space")
        assert action_lines(screen)[1] == "✗ Book the big meeting room"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionForm)
        await pilot.press("end")
        await type_text(pilot, " now")
        await pilot.press("tab", "down", "down", "enter")  # owner: coach
        await pilot.press("tab")
        await type_text(pilot, "2026-12-01")
        await pilot.press("tab", "down", "down", "enter")  # goal: the first active one
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert action_lines(screen)[2] == "✓ Draft the opening lines now"

        # add one more, through the same form
        await pilot.press("ctrl+n")
        await settle(pilot)
        await type_text(pilot, "Call Marc")
        await pilot.press("enter", "enter")  # Enter goes through every field, the owner too
        await type_text(pilot, "2026-12-05")
        await pilot.press("enter", "enter")  # ... the goal, and after the last it saves
        await settle(pilot)
        assert action_lines(screen)[3] == "✓ Call Marc"

        # scores, takeaways, next date: Tab walks through them
        await pilot.press("tab")
        assert screen.query_one(f"#score-{practice.goal.id}", Input).has_focus
        await type_text(pilot, "6")
        await pilot.press("tab")
        await type_text(pilot, "3")
        await pilot.press("tab")
        assert screen.query_one("#takeaways", TextArea).has_focus
        await type_text(pilot, "Ask\nBreathe")
        await pilot.press("tab")
        assert screen.query_one("#next-date", Input).has_focus
        await type_text(pilot, "2026-12-09")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ClosingScreen)
    assert app.results == [True]

    closed = store.get_session(session_id)
    assert closed.ended_at is not None and before <= closed.ended_at <= now()
    assert closed.next_session_on == date(2026, 12, 9)
    stored = {a.text: a for a in store.actions(session_id=session_id)}
    assert sorted(stored) == [
        "Ask two colleagues for feedback",
        "Book the big meeting room",
        "Call Marc",
        "Draft the opening lines now",
    ]  # the note line already stored was not added twice
    asked = stored["Ask two colleagues for feedback"]
    assert (asked.id, asked.status, asked.due_on) == (practice.asked.id, "open", date(2026, 12, 2))
    room = stored["Book the big meeting room"]
    assert (room.id, room.status) == (practice.room.id, "dropped")
    drafted = stored["Draft the opening lines now"]
    assert (drafted.owner, drafted.due_on, drafted.goal_id, drafted.status) == (
        "coach",
        date(2026, 12, 1),
        practice.goal.id,
        "open",
    )
    call = stored["Call Marc"]
    assert (call.owner, call.due_on, call.client_id) == (
        "coachee",
        date(2026, 12, 5),
        practice.client.id,
    )
    scores = {s.goal_id: s.score for s in store.goal_scores(session_id=session_id)}
    assert scores == {practice.goal.id: 6, practice.other_goal.id: 3}
    assert [t.text for t in store.takeaways(session_id)] == [
        "Ask",
        "Breathe",
    ]
    assert store.get_notes(session_id).text == NOTES  # the notes are untouched


@sync
async def test_escape_goes_back_and_writes_nothing(
    practice: ClosingPractice, protocols: ProtocolLibrary
) -> None:
    store = practice.store
    session_id = practice.session.id
    assert session_id is not None
    actions_before = store.actions(session_id=session_id)
    app = host(practice, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        await to_actions(pilot)
        await pilot.press("down", "space", "o")  # remove one, swap the owner of another
        await pilot.press("tab")
        await type_text(pilot, "7")
        screen.query_one("#takeaways", TextArea).load_text("Something")
        screen.query_one("#next-date", Input).value = "2026-12-09"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ClosingScreen)
    assert app.results == [False]
    session = store.get_session(session_id)
    assert session.ended_at is None and session.next_session_on is None
    assert store.actions(session_id=session_id) == actions_before
    assert store.goal_scores(session_id=session_id) == []
    assert store.takeaways(session_id) == []
    assert store.get_notes(session_id).text == NOTES


@sync
async def test_a_bad_next_date_or_score_blocks_closing_and_says_why(
    practice: ClosingPractice, protocols: ProtocolLibrary
) -> None:
    store = practice.store
    session_id = practice.session.id
    assert session_id is not None
    app = host(practice, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        score = screen.query_one(f"#score-{practice.goal.id}", Input)
        next_date = screen.query_one("#next-date", Input)
        score.value = "11"
        next_date.value = "9/12"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert score.has_focus and score.has_class("-invalid")
        assert "0 to 10" in str(screen.query_one("#score-error", Static).content)
        field_error = next_date.parent.query_one(".field-error", Static)  # type: ignore[union-attr]
        assert "YYYY-MM-DD" in str(field_error.content)
        assert store.get_session(session_id).ended_at is None

        score.value = "8"
        next_date.value = "2026-12-09"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [True]
    assert store.get_session(session_id).next_session_on == date(2026, 12, 9)
    assert {s.goal_id: s.score for s in store.goal_scores(session_id=session_id)} == {
        practice.goal.id: 8
    }  # a goal left blank is not scored


@sync
async def test_a_session_with_nothing_to_confirm_still_closes(
    store: Store, protocols: ProtocolLibrary
) -> None:
    client = store.add_client(Client(name="Ben"))
    session = store.add_session(
        Session(client_id=client.id, protocol_id="grow")  # type: ignore[arg-type]
    )
    assert session.id is not None
    app = ClosingHost(store, protocols, session.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        assert "No actions yet" in action_lines(screen)[0]
        assert screen.query(".no-goals")
        await pilot.click("#close")
        await settle(pilot)
    assert app.results == [True]
    closed = store.get_session(session.id)
    assert closed.ended_at is not None
    assert store.actions(session_id=session.id) == []


@sync
async def test_closing_keys_are_in_the_palette(
    practice: ClosingPractice, protocols: ProtocolLibrary
) -> None:
    app = host(practice, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [title for title, _, _ in screen_commands(app.screen)]
        assert {"Close session", "Back to session", "Add action"} <= set(titles)


@sync
async def test_closing_a_finished_session_again_keeps_its_end_time(
    store: Store, protocols: ProtocolLibrary
) -> None:
    practice = build_closing_practice(store, protocols)
    earlier = practice.earlier
    assert earlier.id is not None and earlier.ended_at is not None
    app = ClosingHost(store, protocols, earlier.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        assert screen.query_one(f"#score-{practice.goal.id}", Input).value == "4"  # given then
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert app.results == [True]
    assert store.get_session(earlier.id).ended_at == earlier.ended_at
    assert {s.goal_id: s.score for s in store.goal_scores(session_id=earlier.id)} == {
        practice.goal.id: 4
    }


@sync
async def test_enter_on_a_score_or_date_that_does_not_parse_stays_there(
    practice: ClosingPractice, protocols: ProtocolLibrary
) -> None:
    app = host(practice, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        score = screen.query_one(f"#score-{practice.goal.id}", Input)
        score.focus()
        await type_text(pilot, "11")
        await pilot.press("enter")
        assert score.has_focus and score.has_class("-invalid")
        assert "0 to 10" in str(screen.query_one("#score-error", Static).content)
        await pilot.press("backspace", "backspace", "8", "enter")  # now it moves on
        assert not score.has_focus and not score.has_class("-invalid")
        next_date = screen.query_one("#next-date", Input)
        next_date.focus()
        await type_text(pilot, "9/12")
        await pilot.press("enter")
        assert next_date.has_focus
