"""The engagement as a whole (issue 10): the contract entered and shown, an engagement that ends,
goals through their life, actions with owners and new dates; each checked in the store."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, time
from pathlib import Path

from cli_helpers import one_line_error, run
from click.testing import CliRunner
from conftest import SamplePractice
from test_closing import to_actions
from test_live import (
    Clock,
    began_at,
    live,
    live_app,
    saving_soon,
    settle,
    settle_saved,
    sync,
    type_text,
)
from textual.widgets import Checkbox, Input

from companion.core.models import Action, Client, Goal, Session
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store
from companion.store.views import sidebar_view
from companion.tui.app import CompanionApp
from companion.tui.dialogs.contract_form import ContractForm
from companion.tui.dialogs.engagement_dialogs import ends_engagement
from companion.tui.factory import OpenHome, build_app
from companion.tui.screens.closing import closing_actions
from companion.tui.widgets.sidebar import engagement_lines

START = datetime(2026, 11, 25, 14, 0, 0)

# -- the store ----------------------------------------------------------------------------------


def test_a_closed_engagement_gives_the_next_session_a_new_one_numbered_from_one(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    store = sample.store
    closed = store.close_engagement(sample.engagement.id, date(2026, 12, 1))  # type: ignore[arg-type]
    assert (closed.status, closed.end_date) == ("closed", date(2026, 12, 1))
    session = begin_session(store, protocols, sample.client.name, protocol_id="grow")
    assert session.engagement_id != sample.engagement.id
    fresh = store.get_engagement(session.engagement_id)  # type: ignore[arg-type]
    assert fresh.status == "open" and fresh.sponsor_name == ""
    assert fresh.confidentiality == sample.engagement.confidentiality  # practical terms carried
    assert store.session_number(session) == 1
    view = sidebar_view(store, session.id)  # type: ignore[arg-type]
    assert "New engagement" in engagement_lines(view).plain


def test_the_same_engagement_can_be_taken_up_again(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.core.terms import SessionStart

    store = sample.store
    store.close_engagement(sample.engagement.id)  # type: ignore[arg-type]
    start = SessionStart(sample.client.name, protocol_id="grow", same_engagement=True)
    session = begin_session(store, protocols, start)
    assert session.engagement_id == sample.engagement.id
    assert store.get_engagement(sample.engagement.id).status == "open"  # type: ignore[arg-type]
    assert store.session_number(session) == 2


def test_an_adjusted_goal_is_linked_to_its_new_version(sample: SamplePractice) -> None:
    store = sample.store
    new = store.adjust_goal(
        sample.goal.id,  # type: ignore[arg-type]
        sample.goal.model_copy(update={"specific": "Lead two meetings a week"}),
        date(2026, 12, 2),
    )
    old = store.get_goal(sample.goal.id)  # type: ignore[arg-type]
    assert (old.status, old.status_on) == ("adjusted", date(2026, 12, 2))
    assert (new.status, new.adjusted_from, new.specific) == (
        "active",
        old.id,
        "Lead two meetings a week",
    )
    achieved = store.set_goal_status(new.id, "achieved", date(2027, 1, 10))  # type: ignore[arg-type]
    assert store.get_goal(new.id).status_on == date(2027, 1, 10) == achieved.status_on  # type: ignore[arg-type]
    assert store.set_goal_status(new.id, "active").status_on is None  # type: ignore[arg-type]


def test_the_sponsor_can_own_an_action(sample: SamplePractice) -> None:
    action = sample.store.add_action(
        Action(
            client_id=sample.client.id, text="Petra to share the survey results", owner="sponsor"
        )  # type: ignore[arg-type]
    )
    assert sample.store.get_action(action.id).owner == "sponsor"  # type: ignore[arg-type]


def test_the_closing_protocol_ends_the_engagement(store: Store, protocols: ProtocolLibrary) -> None:
    session = begin_session(store, protocols, "Ana", protocol_id="closing")
    assert ends_engagement(session)
    assert not ends_engagement(begin_session(store, protocols, "Ben", protocol_id="grow"))
    ended = datetime.combine(date.today(), time(15, 0))
    store.finish_session(session.id, ended_at=ended, end_engagement=True)  # type: ignore[arg-type]
    engagement = store.get_engagement(session.engagement_id)  # type: ignore[arg-type]
    assert (engagement.status, engagement.end_date) == ("closed", ended.date())


def test_action_candidates_arrive_with_their_due_date_and_words() -> None:
    drafts = closing_actions(
        "- [ ] Draft the 1:1 agenda by Friday\n- [ ] Call Sam\n",
        [],
        client_id=1,
        session_id=2,
        today=date(2026, 12, 2),
    )
    assert [(d.action.text, d.action.due_on) for d in drafts] == [
        ("Draft the 1:1 agenda by Friday", date(2026, 12, 4)),
        ("Call Sam", None),
    ]


# -- the shell ----------------------------------------------------------------------------------


def test_engagement_set_show_and_close(runner: CliRunner, sample: SamplePractice) -> None:
    name = sample.client.name
    result = run(
        runner, "engagement", "set", "--client", name, "--sponsor", "Petra Novak",
        "--sponsor-role", "HR partner", "--sponsor-contact", "petra@example.org",
        "--planned", "8", "--billing", "pro-bono", "--format", "group", "--group-size", "4",
        "--objective", "Lead the merger team", "--start", "2026-09-01", "--log-consent", "no",
        "--confidentiality", "Only progress goes to HR",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = json.loads(run(runner, "engagement", "show", "--client", name, "--json").stdout)
    assert {key: shown[key] for key in shown if key not in {"id", "client_id"}} == {
        "sponsor_name": "Petra Novak",
        "sponsor_role": "HR partner",
        "sponsor_contact": "petra@example.org",
        "start_date": "2026-09-01",
        "end_date": None,
        "sessions_planned": 8,
        "confidentiality": "Only progress goes to HR",
        "billing": "pro_bono",
        "format": "group",
        "group_size": 4,
        "objective": "Lead the merger team",
        "status": "open",
        "log_consent": False,
        "client_name": name,
        "sessions_held": 1,
    }
    assert run(runner, "engagement", "close", "--client", name, "--on", "2026-12-01").exit_code == 0
    stored = sample.store.get_engagement(sample.engagement.id)  # type: ignore[arg-type]
    assert (stored.status, stored.end_date) == ("closed", date(2026, 12, 1))
    assert "no open engagement" in one_line_error(
        run(runner, "engagement", "close", "--client", name)
    )


def test_goals_and_actions_edited_from_the_shell(runner: CliRunner, sample: SamplePractice) -> None:
    goal_id, action_id = str(sample.goal.id), str(sample.action.id)
    assert run(runner, "goals", "edit", goal_id, "--measurable", "Four meetings", "--due",
               "2027-02-28").exit_code == 0  # fmt: skip
    goal = sample.store.get_goal(sample.goal.id)  # type: ignore[arg-type]
    assert (goal.measurable, goal.timely) == ("Four meetings", date(2027, 2, 28))
    result = run(runner, "goals", "set", goal_id, "--status", "adjusted", "--new", "Lead all")
    assert result.exit_code == 0, result.output
    goals = sample.store.goals(sample.client.id)
    assert [(g.status, g.adjusted_from) for g in goals] == [("adjusted", None), ("active", goal.id)]
    assert run(runner, "goals", "set", str(goals[1].id), "--status", "achieved", "--on",
               "2027-01-05").exit_code == 0  # fmt: skip
    assert sample.store.get_goal(goals[1].id).status_on == date(2027, 1, 5)  # type: ignore[arg-type]
    result = run(
        runner,
        "actions",
        "edit",
        action_id,
        "--owner",
        "sponsor",
        "--due",
        "2027-01-15",
        "--text",
        "Marc to share the survey",
        "--status",
        "done",
    )
    assert result.exit_code == 0, result.output
    action = sample.store.get_action(sample.action.id)  # type: ignore[arg-type]
    assert (action.owner, action.due_on, action.text, action.status) == (
        "sponsor", date(2027, 1, 15), "Marc to share the survey", "done",
    )  # fmt: skip
    assert action.closed_at is not None
    assert run(runner, "goals", "--json").exit_code == 0  # the listing still works


def test_bad_input_is_one_line_and_exit_2(runner: CliRunner, sample: SamplePractice) -> None:
    name, goal_id, action_id = sample.client.name, str(sample.goal.id), str(sample.action.id)
    for args in [
        ("engagement", "show", "--client", "Nobody"),
        ("engagement", "set", "--client", name),
        ("engagement", "set", "--client", name, "--planned", "0"),
        ("engagement", "set", "--client", name, "--billing", "free"),
        ("engagement", "set", "--client", name, "--group-size", "3"),
        ("engagement", "set", "--client", name, "--start", "01/09/2026"),
        ("engagement", "set", "--client", name, "--log-consent", "maybe"),
        ("engagement", "close", "--client", name, "--on", "2020-01-01"),
        ("goals", "edit", "999"),
        ("goals", "edit", goal_id),
        ("goals", "edit", goal_id, "--due", "soonish"),
        ("goals", "edit", goal_id, "--specific", " "),
        ("goals", "set", goal_id, "--status", "finished"),
        ("goals", "set", goal_id, "--status", "dropped", "--new", "x"),
        ("actions", "edit", "abc"),
        ("actions", "edit", "999", "--text", "x"),
        ("actions", "edit", action_id, "--owner", "manager"),
        ("actions", "edit", action_id, "--due", "2027-02-30"),
        ("actions", "edit", action_id, "--due", "friday", "--no-due"),
    ]:
        one_line_error(run(runner, *args))
    assert sample.store.get_goal(sample.goal.id) == sample.goal  # type: ignore[arg-type]


def test_the_sponsor_owns_an_action_only_with_a_sponsor(runner: CliRunner, store: Store) -> None:
    from companion.core.models import Client

    client = store.add_client(Client(name="Solo"))
    store.ensure_open_engagement(client.id)  # type: ignore[arg-type]
    action = store.add_action(Action(client_id=client.id, text="Read the book"))  # type: ignore[arg-type]
    message = one_line_error(run(runner, "actions", "edit", str(action.id), "--owner", "sponsor"))
    assert "no sponsor" in message
    assert store.get_action(action.id).owner == "coachee"  # type: ignore[arg-type]


# -- the live screen ----------------------------------------------------------------------------


def _live_session_app(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> tuple[Session, CompanionApp]:
    """A new GROW session of the sample client, and the app to open it on the live screen."""
    store = sample.store
    session = began_at(
        store, begin_session(store, protocols, sample.client.name, protocol_id="grow"), START
    )
    return session, saving_soon(live_app(store, protocols, session, Clock()))


@sync
async def test_the_contract_form_from_the_live_screen(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    store = sample.store
    _session, app = _live_session_app(sample, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f9")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ContractForm)
        sponsor = form.query_one("#sponsor", Input)
        assert sponsor.value == "Marc Dubois"
        sponsor.value = "Petra Novak"
        form.query_one("#planned", Input).value = "8"
        form.query_one("#log-consent", Checkbox).value = False
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert live(app).notes.has_focus
        await settle_saved(pilot, app)
        stored = store.get_engagement(sample.engagement.id)  # type: ignore[arg-type]
        assert (stored.sponsor_name, stored.sessions_planned, stored.log_consent) == (
            "Petra Novak", 8, False,
        )  # fmt: skip
        shown = str(app.screen.query_one("#engagement").render())
        assert " of 8" in shown and "Petra Novak" in shown


@sync
async def test_a_form_read_waits_for_the_practice_not_the_notes(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    """The contract is read off the event loop: while the practice is busy (here held by
    another thread, as a slow disk holds a write), the notes still take every key, and the
    form opens once the practice answers."""
    store = sample.store
    _session, app = _live_session_app(sample, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        held, release = threading.Event(), threading.Event()

        def hold() -> None:
            with store.writing(transaction=False):
                held.set()
                release.wait(10)

        holder = threading.Thread(target=hold)
        holder.start()
        assert held.wait(5)
        try:
            await pilot.press("f9")
            await type_text(pilot, "still typing")
            await pilot.pause()
            assert "still typing" in live(app).notes.text
            assert not isinstance(app.screen, ContractForm)
        finally:
            release.set()
            holder.join()
        await settle(pilot, app)
        assert isinstance(app.screen, ContractForm)


@sync
async def test_a_contract_step_offers_the_form_without_taking_the_notes(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = began_at(store, begin_session(store, protocols, "Ana", protocol_id="first"), START)
    app = saving_soon(live_app(store, protocols, session, Clock()))
    steps = [step.id for step in protocols.get("first").steps]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        live(app).go_to(steps.index("confidentiality"))
        await settle(pilot, app)
        assert live(app).notes.has_focus
        assert any("contract" in n.message for n in app._notifications)


# -- actions with owners and new dates ----------------------------------------------------------


@sync
async def test_carrying_an_action_forward_asks_its_new_due_date(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.tui.dialogs.carry_form import CarryForwardForm

    store = sample.store
    session, app = _live_session_app(sample, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("ctrl+r", "c")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, CarryForwardForm)
        assert form.query_one("#due", Input).value == "2026-11-20"
        form.query_one("#due", Input).value = "15 jan"
        await pilot.press("enter")
        await settle(pilot, app)
        assert live(app).review_list.has_focus
    action = store.get_action(sample.action.id)  # type: ignore[arg-type]
    assert (action.status, action.reviewed_session_id) == ("open", session.id)
    assert action.due_on is not None and (action.due_on.month, action.due_on.day) == (1, 15)
    from companion.core.recap import build_recap
    from companion.store.records import load_session_record

    recap = build_recap(load_session_record(store, session.id))  # type: ignore[arg-type]
    before_next = recap.split("## Actions before our next session")[1].split("##")[0]
    assert "Draft the meeting opening — you, by " in before_next
    assert "January" in before_next and "carried forward" in before_next


@sync
async def test_the_sponsor_owns_an_action_in_a_three_party_engagement_only(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from textual.widgets import Select

    from companion.tui.dialogs.forms import ActionForm, new_action

    store = sample.store
    session, app = _live_session_app(sample, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f4")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.owners == ["coachee", "coach", "sponsor"]
        await type_text_simple(pilot, "Marc to share the survey")
        await pilot.press("enter")  # Enter goes on to the owner...
        assert form.query_one("#owner", Select).has_focus
        await pilot.press("down", "down", "down", "enter", "enter")  # ...sponsor, on to the date
        assert form.query_one("#due", Input).has_focus
        await type_text_simple(pilot, "friday")
        await pilot.press("enter", "enter")  # the goal, then saved
        await settle_saved(pilot, app)
    stored = store.actions(session_id=session.id)
    assert [(a.text, a.owner) for a in stored] == [("Marc to share the survey", "sponsor")]
    assert stored[0].due_on is not None and stored[0].due_on.weekday() == 4
    assert ActionForm(new_action(1), []).owners == ["coachee", "coach"]  # no sponsor: two


async def type_text_simple(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*["space" if ch == " " else ch for ch in text])


def test_the_recap_names_the_sponsor_and_what_was_achieved(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.core.recap import build_recap
    from companion.store.records import load_session_record

    store = sample.store
    session = begin_session(store, protocols, sample.client.name, protocol_id="closing")
    store.add_action(
        Action(
            client_id=sample.client.id,  # type: ignore[arg-type]
            session_id=session.id,
            text="Share the survey results",
            owner="sponsor",
        )
    )
    store.set_goal_status(sample.goal.id, "achieved", session.started_at.date())  # type: ignore[arg-type]
    store.finish_session(session.id, end_engagement=True)  # type: ignore[arg-type]
    recap = build_recap(load_session_record(store, session.id))  # type: ignore[arg-type]
    assert "- Share the survey results — Marc Dubois" in recap
    achieved = recap.split("## What you have achieved")[1].split("##")[0]
    assert "**Lead the weekly team meeting without notes** (achieved on " in achieved


# -- home and the timeline ----------------------------------------------------------------------


@sync
async def test_after_a_close_home_asks_whether_to_open_a_new_engagement(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from review_practice import build_review_practice
    from test_review import RecordingApp
    from test_review import settle as settle_review

    from companion.tui.dialogs.engagement_dialogs import NewEngagementQuestion

    practice = build_review_practice(store, protocols)
    contract = store.open_engagement(practice.ana.id)  # type: ignore[arg-type]
    assert contract is not None and contract.id is not None
    store.close_engagement(contract.id, date(2026, 11, 24))
    app = build_app(OpenHome(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_review(pilot)
        await pilot.press("down", "enter")  # to the client list; Ana: her engagement was closed
        await settle_review(pilot)
        assert isinstance(app.screen, NewEngagementQuestion)
        assert app.started == []
        await pilot.press("n")
        await settle_review(pilot)
        assert app.started == [("Ana Lopez", None)]
    newest = store.sessions(practice.ana.id)[0]
    assert newest.engagement_id != contract.id
    assert store.session_number(newest) == 1
    assert store.get_engagement(contract.id).status == "closed"


@sync
async def test_home_and_the_timeline_open_the_contract(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from review_practice import build_review_practice
    from test_review import RecordingApp
    from test_review import settle as settle_review

    from companion.tui.screens.review_timeline import TimelineScreen

    practice = build_review_practice(store, protocols)
    app = build_app(OpenHome(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_review(pilot)
        await pilot.press("down", "c")  # from the name box to the list, where Ana is highlighted
        await settle_review(pilot)
        form = app.screen
        assert isinstance(form, ContractForm)
        form.query_one("#objective", Input).value = "Lead the merged team"
        await pilot.press("ctrl+s")
        await settle_review(pilot)
        assert store.open_engagement(practice.ana.id).objective == "Lead the merged team"  # type: ignore[arg-type, union-attr]
        app.push_screen(TimelineScreen(practice.ana.id))  # type: ignore[arg-type]
        await settle_review(pilot)
        await pilot.press("c")
        await settle_review(pilot)
        form = app.screen
        assert isinstance(form, ContractForm)
        assert form.query_one("#objective", Input).value == "Lead the merged team"
        form.query_one("#planned", Input).value = "10"
        await pilot.press("ctrl+s")
        await settle_review(pilot)
        assert store.open_engagement(practice.ana.id).sessions_planned == 10  # type: ignore[arg-type, union-attr]


def test_the_timeline_shows_each_engagement_as_its_own_block(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.store.views import timeline_view
    from companion.tui.widgets.engagement_blocks import engagement_blocks, engagement_heading

    store = sample.store
    assert engagement_blocks(timeline_view(store, sample.client.id)) == {}  # type: ignore[arg-type]
    store.close_engagement(sample.engagement.id)  # type: ignore[arg-type]
    later = begin_session(store, protocols, sample.client.name, protocol_id="grow")
    blocks = engagement_blocks(timeline_view(store, sample.client.id))  # type: ignore[arg-type]
    assert set(blocks) == {later.id, sample.first_session.id}
    assert blocks[later.id].id == later.engagement_id
    assert "(closed)" in engagement_heading(blocks[sample.first_session.id])  # type: ignore[index]


# -- goals through their life -------------------------------------------------------------------


@sync
async def test_the_goals_review_marks_achieved_and_adjusts_with_the_link(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.core.models import Goal
    from companion.tui.dialogs.forms import GoalForm
    from companion.tui.dialogs.goals_review import GoalRow, GoalsReview

    store = sample.store
    second = store.add_goal(
        Goal(client_id=sample.client.id, engagement_id=sample.engagement.id, specific="Delegate")  # type: ignore[arg-type]
    )
    session = began_at(
        store, begin_session(store, protocols, sample.client.name, protocol_id="review"), START
    )
    app = saving_soon(live_app(store, protocols, session, Clock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f12")
        await settle(pilot, app)
        review = app.screen
        assert isinstance(review, GoalsReview)
        rows = list(review.query(GoalRow))
        assert [row.goal.specific for row in rows] == [sample.goal.specific, "Delegate"]
        assert rows[0].scores == [4]  # its score history, drawn as a sparkline
        await pilot.press("a")  # the first: achieved
        await settle(pilot, app)
        await pilot.press("down", "j")  # the second: adjusted, through the goal form
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, GoalForm)
        form.query_one("#specific", Input).value = "Delegate the weekly report"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is review
        await pilot.press("escape")
        await settle_saved(pilot, app)
        assert live(app).notes.has_focus
        sidebar = str(app.screen.query_one("#goals").query("Static").first().render())
        assert "Delegate the weekly report" in sidebar  # the sidebar shows the active goals only
    achieved = store.get_goal(sample.goal.id)  # type: ignore[arg-type]
    assert (achieved.status, achieved.status_on) == ("achieved", START.date())
    adjusted = store.get_goal(second.id)  # type: ignore[arg-type]
    assert (adjusted.status, adjusted.status_on) == ("adjusted", START.date())
    newest = store.goals(sample.client.id)[-1]
    assert (newest.specific, newest.adjusted_from, newest.status) == (
        "Delegate the weekly report",
        second.id,
        "active",
    )


@sync
async def test_a_goals_review_step_offers_the_review(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = began_at(store, begin_session(store, protocols, "Ana", protocol_id="review"), START)
    app = saving_soon(live_app(store, protocols, session, Clock()))
    steps = [step.id for step in protocols.get("review").steps]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        live(app).go_to(steps.index("objectives-reached"))
        await settle(pilot, app)
        assert live(app).notes.has_focus
        assert any("f12" in n.message for n in app._notifications)


# -- the step structure -------------------------------------------------------------------------


def test_a_steps_section_end() -> None:
    from companion.core.notes import step_section_end

    text = "## Goal · 14:00\nWants calm.\n\n## Reality · 14:10\n\n## Options · 14:20\n"
    assert step_section_end(text, "Goal") == (1, len("Wants calm."))
    assert step_section_end(text, "Reality") == (4, 0)  # empty: the line under the heading
    assert step_section_end(text, "Will") is None


@sync
async def test_revisiting_a_step_adds_no_second_heading(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from companion.core.models import Session

    session = began_at(store, begin_session(store, protocols, "Ana", protocol_id="first"), START)
    app = saving_soon(live_app(store, protocols, session, Clock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        screen = live(app)
        logistics = [s.id for s in screen.protocol.steps].index("logistics")
        screen.go_to(logistics)
        await pilot.press("R", "o", "o", "m")
        screen.go_to(logistics + 1)
        await pilot.press("ctrl+o")  # back to Practical arrangements...
        await settle(pilot, app)
        assert screen.notes.cursor_location[0] == screen.notes.text.split("\n").index("Room")
        await pilot.press("ctrl+n")  # ...and forward again
        await settle_saved(pilot, app)
        text = store.get_notes(session.id).text  # type: ignore[arg-type]
    assert text.count("## Practical arrangements ·") == 1
    assert text.count("## First actions ·") == 1
    assert isinstance(store.get_session(session.id), Session)  # type: ignore[arg-type]


@sync
async def test_jump_to_step_ten_by_typing_its_number(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from companion.tui.dialogs.live_dialogs import StepPicker

    session = began_at(store, begin_session(store, protocols, "Ana", protocol_id="first"), START)
    app = saving_soon(live_app(store, protocols, session, Clock()))
    count = len(protocols.get("first").steps)
    assert count >= 10
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("ctrl+g", "1")
        await settle(pilot, app)
        assert isinstance(app.screen, StepPicker)  # 1 could be 10: it waits
        await pilot.press("0")
        await settle_saved(pilot, app)
        assert store.get_session(session.id).current_step == 9  # type: ignore[arg-type]
        await pilot.press("ctrl+g", "1", "enter")  # 1, then Enter: step 1
        await settle_saved(pilot, app)
        assert store.get_session(session.id).current_step == 0  # type: ignore[arg-type]


@sync
async def test_minutes_scale_the_timeboxes_and_say_so(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from companion.core.terms import SessionStart
    from companion.tui.widgets.protocol_pane import ProtocolPane

    grow = protocols.get("grow")
    session = begin_session(store, protocols, SessionStart("Ana", protocol_id="grow", minutes=30))
    session = began_at(store, session, START)
    app = saving_soon(live_app(store, protocols, session, Clock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        screen = live(app)
        ratio = 30 / grow.duration_minutes
        assert [s.minutes for s in screen.protocol.steps] == [
            max(1, round(s.minutes * ratio)) for s in grow.steps
        ]
        assert screen.query_one(ProtocolPane).border_subtitle == (
            f"scaled {grow.duration_minutes}→30 min"
        )


@sync
async def test_the_palette_finds_the_contract_and_the_goals_review(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.tui.screens.live_commands import LiveCommands

    _session, app = _live_session_app(sample, protocols)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        names = {title for title, _, _ in LiveCommands(app.screen).commands()}
    assert {"Edit coaching contract", "Goals review"} <= names
    assert any(name.startswith("Engagement contract") for name in names)


def test_goals_listing_says_the_day_and_the_earlier_version(
    runner: CliRunner, sample: SamplePractice
) -> None:
    store = sample.store
    new = store.adjust_goal(
        sample.goal.id,  # type: ignore[arg-type]
        sample.goal.model_copy(update={"specific": "Lead two meetings a week"}),
        date(2026, 12, 2),
    )
    out = run(runner, "goals", "--client", sample.client.name).stdout
    assert "adjusted on 2026-12-02" in out
    assert f"adjusts goal {sample.goal.id}" in out
    listed = json.loads(run(runner, "goals", "--json").stdout)
    assert [(g["id"], g["adjusted_from"], g["status_on"]) for g in listed] == [
        (sample.goal.id, None, "2026-12-02"),
        (new.id, sample.goal.id, None),
    ]


def test_set_changes_the_engagement_show_shows(runner: CliRunner, sample: SamplePractice) -> None:
    store = sample.store
    store.close_engagement(sample.engagement.id, date(2026, 12, 1))  # type: ignore[arg-type]
    result = run(runner, "engagement", "set", "--client", "ana lopez", "--log-consent", "no")
    assert result.stdout.strip() == (
        f"Updated engagement {sample.engagement.id} (closed on 2026-12-01) for Ana Lopez"
    )
    stored = store.get_engagement(sample.engagement.id)  # type: ignore[arg-type]
    assert (stored.log_consent, stored.status, stored.end_date) == (
        False,
        "closed",
        date(2026, 12, 1),
    )
    assert len(store.engagements(sample.client.id)) == 1  # type: ignore[arg-type]


def test_an_adjusted_goal_keeps_its_link_through_an_export(
    sample: SamplePractice, tmp_path: Path
) -> None:
    from companion.store.exchange import export_practice, read_export
    from companion.store.exchange_import import import_practice

    store = sample.store
    other = Store.open(tmp_path / "other.db")
    try:
        other.add_client(Client(name="Zoe"))
        other.add_goal(
            Goal(client_id=1, specific="Z")
        )  # ids in the other practice differ from the source's
        new = store.adjust_goal(
            sample.goal.id,  # type: ignore[arg-type]
            sample.goal.model_copy(update={"specific": "Lead two meetings a week"}),
            date(2026, 12, 2),
        )
        store.add_action(
            Action(client_id=sample.client.id, text="Marc to share it", owner="sponsor")  # type: ignore[arg-type]
        )
        import_practice(other, read_export(export_practice(store).to_json()))
        ana = other.client_named(sample.client.name)
        goals = {g.specific: g for g in other.goals(ana.id)}
        old = goals[sample.goal.specific]
        assert (old.status, old.status_on) == ("adjusted", date(2026, 12, 2))
        assert goals[new.specific].adjusted_from == old.id != sample.goal.id
        assert "sponsor" in {a.owner for a in other.actions(ana.id)}
    finally:
        other.close()


def test_a_private_sponsor_line_stays_out_of_client_copies(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from companion.core.recap import build_recap
    from companion.store.exchange import export_practice, for_client
    from companion.store.records import load_session_record

    store = sample.store
    store.save_engagement(
        sample.engagement.model_copy(
            update={"sponsor_name": "// Marc, not to be named", "sponsor_contact": "// 555-0101"}
        )
    )
    session = begin_session(store, protocols, sample.client.name, protocol_id="grow")
    store.add_action(
        Action(
            client_id=sample.client.id,  # type: ignore[arg-type]
            session_id=session.id,
            text="Share the survey results",
            owner="sponsor",
        )
    )
    store.finish_session(session.id)  # type: ignore[arg-type]
    recap = build_recap(load_session_record(store, session.id))  # type: ignore[arg-type]
    assert "- Share the survey results — your sponsor" in recap
    assert "Marc" not in recap and "555" not in recap
    copy = for_client(export_practice(store)).to_json()
    assert "555-0101" not in copy and "not to be named" not in copy


@sync
async def test_on_the_closing_screen_o_hands_an_action_to_the_sponsor(
    sample: SamplePractice, protocols: ProtocolLibrary
) -> None:
    from textual.widgets import OptionList

    from companion.tui.screens.closing import ClosingScreen

    store = sample.store
    session = began_at(
        store, begin_session(store, protocols, sample.client.name, protocol_id="grow"), START
    )
    store.save_notes(session.id, "- [ ] Share the survey results\n")  # type: ignore[arg-type]
    app = saving_soon(live_app(store, protocols, session, Clock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f10")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, ClosingScreen)
        await to_actions(pilot)
        await pilot.press("o", "o")  # coachee -> coach -> the sponsor
        line = str(screen.query_one("#actions", OptionList).get_option_at_index(0).prompt)
        assert "Marc Dubois" in line
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    assert [(a.text, a.owner) for a in store.actions(session_id=session.id)] == [
        ("Share the survey results", "sponsor")
    ]


@sync
async def test_the_palette_finds_the_contract_as_engagement_on_home_and_the_timeline(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from review_practice import build_review_practice
    from test_review import RecordingApp
    from test_review import settle as settle_review

    from companion.tui.screens.review_timeline import TimelineScreen
    from companion.tui.widgets.review_commands import ScreenCommands

    practice = build_review_practice(store, protocols)
    app = build_app(OpenHome(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_review(pilot)
        for _ in range(2):  # home, then a timeline
            provider = ScreenCommands(app.screen)
            found = [hit.text async for hit in provider.search("engagement")]
            assert any("contract" in str(text) for text in found), found
            app.push_screen(TimelineScreen(practice.ana.id))  # type: ignore[arg-type]
            await settle_review(pilot)
