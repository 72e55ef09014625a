"""A whole three-party engagement through the screens (issue 10): a first session that sets the
contract, two GROW sessions that follow the actions up, a milestone review that marks one goal
achieved and adjusts another, and a closing session that ends the engagement; then checked
through `engagement show --json`, the recap and the hours log."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from cli_helpers import run
from click.testing import CliRunner
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
from textual.widgets import Input, Select

from companion.core.models import Session
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.dialogs.contract_form import ContractForm
from companion.tui.dialogs.forms import ActionForm, GoalForm
from companion.tui.dialogs.goals_review import GoalsReview
from companion.tui.screens.closing import ClosingScreen
from companion.tui.screens.session_closed import SessionClosed

FIRST = datetime(2026, 9, 7, 9, 0)
NAME = "Lina Haddad"


def _session(store: Store, protocols: ProtocolLibrary, protocol: str, week: int) -> Session:
    return began_at(
        store,
        begin_session(store, protocols, NAME, protocol_id=protocol),
        FIRST + timedelta(weeks=week),
    )


async def _close(pilot, app: CompanionApp) -> None:  # type: ignore[no-untyped-def]
    """An hour on, f10, then Close session: the session ends on the app's clock."""
    app.clock.advance(minutes=60)  # type: ignore[attr-defined]
    await pilot.press("f10")
    await settle(pilot, app)
    assert isinstance(app.screen, ClosingScreen)
    await pilot.press("ctrl+s")
    await settle(pilot, app)
    await settle(pilot, app)
    assert isinstance(app.screen, SessionClosed)


async def _add_goal(pilot, app: CompanionApp, words: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    await settle(pilot, app)
    assert isinstance(app.screen, GoalForm)
    app.screen.query_one("#specific", Input).value = words
    await pilot.press("ctrl+s")
    await settle(pilot, app)


@sync
async def test_a_whole_three_party_engagement(
    store: Store, protocols: ProtocolLibrary, runner: CliRunner
) -> None:
    # 1. The first session: the contract, two goals, an action for the sponsor.
    first = _session(store, protocols, "first", 0)
    clock = Clock(FIRST)
    app = saving_soon(live_app(store, protocols, first, clock))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f9")
        await settle(pilot, app)
        form = app.screen
        assert isinstance(form, ContractForm)
        for field, value in {
            "sponsor": "Petra Novak",
            "sponsor-role": "HR partner",
            "sponsor-contact": "petra@example.org",
            "confidentiality": "Only the goals and attendance go to HR",
            "planned": "5",
            "start": "2026-09-07",
            "objective": "Lead the merged team",
        }.items():
            form.query_one(f"#{field}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await _add_goal(pilot, app, "Run the weekly meeting without notes")
        await _add_goal(pilot, app, "Delegate the monthly report")
        await pilot.press("f4")
        await settle(pilot, app)
        assert isinstance(app.screen, ActionForm)
        app.screen.query_one("#text", Input).value = "Petra to share the survey results"
        app.screen.query_one("#owner", Select).value = "sponsor"
        app.screen.query_one("#due", Input).value = "2026-09-18"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await type_text(pilot, "\n- [ ] Draft the 1:1 agenda by Friday\n")
        await _close(pilot, app)
    contract = store.open_engagement(first.client_id)
    assert contract is not None and contract.sponsor_name == "Petra Novak"
    actions = store.actions(first.client_id)
    assert {(a.text, a.owner) for a in actions} == {
        ("Petra to share the survey results", "sponsor"),
        ("Draft the 1:1 agenda by Friday", "coachee"),
    }
    agenda = next(a for a in actions if a.text.startswith("Draft"))
    assert agenda.due_on == date(2026, 9, 11)  # the Friday after the session's day
    survey = next(a for a in actions if a.owner == "sponsor")

    # 2. A GROW session: the survey is carried forward with a new date, the agenda done.
    grow = _session(store, protocols, "grow", 2)
    app = saving_soon(live_app(store, protocols, grow, Clock(grow.started_at)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("ctrl+r")
        await settle(pilot, app)
        review_list = live(app).review_list
        ids = [option.id for option in review_list.options]
        review_list.highlighted = ids.index(f"action-{survey.id}")
        await pilot.press("c")
        await settle(pilot, app)
        app.screen.query_one("#due", Input).value = "2026-10-02"
        await pilot.press("enter")
        await settle(pilot, app)
        review_list.highlighted = ids.index(f"action-{agenda.id}")
        await pilot.press("d")
        await settle_saved(pilot, app)
        await _close(pilot, app)
        assert "Petra to share the survey results — Petra Novak, by Friday 2 October 2026" in (
            app.screen.recap  # type: ignore[attr-defined]
        )
    assert store.get_action(survey.id).due_on == date(2026, 10, 2)  # type: ignore[arg-type]
    assert store.get_action(agenda.id).status == "done"  # type: ignore[arg-type]

    # 3. Another GROW session: the survey arrived.
    second = _session(store, protocols, "grow", 4)
    app = saving_soon(live_app(store, protocols, second, Clock(second.started_at)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("ctrl+r", "d")
        await settle_saved(pilot, app)
        await _close(pilot, app)
    assert store.get_action(survey.id).status == "done"  # type: ignore[arg-type]

    # 4. The milestone review: one goal achieved, the other adjusted.
    review = _session(store, protocols, "review", 6)
    app = saving_soon(live_app(store, protocols, review, Clock(review.started_at)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f12")
        await settle(pilot, app)
        assert isinstance(app.screen, GoalsReview)
        await pilot.press("a", "down", "j")
        await settle(pilot, app)
        assert isinstance(app.screen, GoalForm)
        app.screen.query_one("#specific", Input).value = "Delegate the report and the budget"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        await pilot.press("escape")
        await settle_saved(pilot, app)
        await _close(pilot, app)
    goals = store.goals(first.client_id)
    assert [(g.specific, g.status, g.status_on) for g in goals] == [
        ("Run the weekly meeting without notes", "achieved", review.started_at.date()),
        ("Delegate the monthly report", "adjusted", review.started_at.date()),
        ("Delegate the report and the budget", "active", None),
    ]
    assert goals[2].adjusted_from == goals[1].id

    # 5. The closing session ends the engagement.
    closing = _session(store, protocols, "closing", 8)
    app = saving_soon(live_app(store, protocols, closing, Clock(closing.started_at)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_saved(pilot, app)
        await pilot.press("f10")
        await settle(pilot, app)
        summary = str(app.screen.query_one("#summary").render())
        assert "ends the engagement" in summary
        assert "Achieved: Run the weekly meeting without notes" in summary
        await pilot.press("escape")  # back to the session, then closed the usual way
        await settle(pilot, app)
        await _close(pilot, app)
        recap = app.screen.recap  # type: ignore[attr-defined]
    assert "session 5 of 5" in recap
    achieved = recap.split("## What you have achieved")[1].split("##")[0]
    assert "**Run the weekly meeting without notes** (achieved on " in achieved

    shown = json.loads(run(runner, "engagement", "show", "--client", NAME, "--json").stdout)
    assert {key: shown[key] for key in shown if key not in {"id", "client_id"}} == {
        "sponsor_name": "Petra Novak",
        "sponsor_role": "HR partner",
        "sponsor_contact": "petra@example.org",
        "start_date": "2026-09-07",
        "end_date": closing.started_at.date().isoformat(),
        "sessions_planned": 5,
        "confidentiality": "Only the goals and attendance go to HR",
        "billing": "paid",
        "format": "individual",
        "group_size": None,
        "objective": "Lead the merged team",
        "status": "closed",
        "log_consent": True,
        "client_name": NAME,
        "sessions_held": 5,
    }
    log = json.loads(run(runner, "log", "--format", "json").stdout)
    rows = [row for row in log["rows"] if row["client_name"] == NAME]
    assert [(r["sessions"], r["sponsor_name"], r["end_date"]) for r in rows] == [
        (5, "Petra Novak", closing.started_at.date().isoformat())
    ]

    # The next session asks (home) or, from the shell, opens a new engagement: numbered from 1.
    after = begin_session(store, protocols, NAME, protocol_id="grow")
    assert after.engagement_id != contract.id and store.session_number(after) == 1
