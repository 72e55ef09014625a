"""The records: what each accepts, refuses, and works out for itself."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from companion.core.models import (
    Action,
    Agreement,
    Client,
    Engagement,
    Goal,
    GoalScore,
    Notes,
    SearchHit,
    Session,
    StepTiming,
    Takeaway,
    now,
)


def test_now_is_to_the_second() -> None:
    assert now().microsecond == 0


def test_names_and_texts_are_trimmed() -> None:
    assert Client(name="  Ana  ", contact=" ana@example.org ").name == "Ana"
    assert Client(name="Ana", contact=" ana@example.org ").contact == "ana@example.org"
    assert Goal(client_id=1, specific="  Run  ").specific == "Run"
    assert Action(client_id=1, text=" Call Lea ").text == "Call Lea"
    assert Takeaway(session_id=1, text=" Less is more ").text == "Less is more"


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Client, {"name": "   "}),
        (Goal, {"client_id": 1, "specific": ""}),
        (Action, {"client_id": 1, "text": " "}),
        (Takeaway, {"session_id": 1, "text": ""}),
        (GoalScore, {"goal_id": 1, "session_id": 1, "score": 11}),
        (GoalScore, {"goal_id": 1, "session_id": 1, "score": -1}),
        (Engagement, {"client_id": 1, "sessions_planned": 0}),
        (Engagement, {"client_id": 1, "group_size": 1}),
        (Engagement, {"client_id": 1, "billing": "free"}),
        (Goal, {"client_id": 1, "specific": "Run", "status": "paused"}),
        (Session, {"client_id": 1, "protocol_id": "grow", "mode": "zoom"}),
        (Session, {"client_id": 1, "protocol_id": "grow", "planned_minutes": 0}),
        (Action, {"client_id": 1, "text": "x", "owner": "manager"}),
        (Action, {"client_id": 1, "text": "x", "status": "later"}),
        (Client, {"name": "Ana", "nickname": "A"}),  # unknown fields are refused
        (StepTiming, {"session_id": 1, "step_index": -1, "step_id": "goal"}),
    ],
)
def test_bad_values_are_refused(model: type, fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        model(**fields)


def test_a_record_can_never_hold_a_bad_value() -> None:
    goal = Goal(client_id=1, specific="Run a half-marathon")
    with pytest.raises(ValidationError):
        goal.status = "paused"  # type: ignore[assignment]
    goal.status = "achieved"
    assert goal.status == "achieved"


def test_engagement_defaults_and_three_party() -> None:
    engagement = Engagement(client_id=1)
    assert engagement.start_date == date.today()
    assert (engagement.billing, engagement.format, engagement.status) == (
        "paid",
        "individual",
        "open",
    )
    assert not engagement.is_three_party
    assert Engagement(client_id=1, sponsor_name="Marc", sponsor_role="HR").is_three_party


def test_agreement_is_empty() -> None:
    assert Agreement().is_empty
    assert not Agreement(measure_of_success="Three runs booked").is_empty


def test_session_duration_and_finished() -> None:
    session = Session(client_id=1, protocol_id="grow", started_at=datetime(2026, 11, 2, 10))
    assert not session.is_finished and session.duration_minutes is None
    ended = session.model_copy(update={"ended_at": datetime(2026, 11, 2, 10, 55, 30)})
    assert ended.is_finished and ended.duration_minutes == 55.5
    # A clock set back never makes a negative duration.
    odd = session.model_copy(update={"ended_at": datetime(2026, 11, 2, 9)})
    assert odd.duration_minutes == 0


def test_step_timing_seconds() -> None:
    timing = StepTiming(
        session_id=1, step_index=0, step_id="agreement", entered_at=datetime(2026, 11, 2, 10)
    )
    assert timing.seconds is None
    timing.left_at = datetime(2026, 11, 2, 10, 4, 30)
    assert timing.seconds == 270


def test_action_overdue() -> None:
    today = date(2026, 11, 25)
    assert Action(client_id=1, text="x", due_on=date(2026, 11, 24)).is_overdue(today)
    assert not Action(client_id=1, text="x", due_on=today).is_overdue(today)
    assert not Action(client_id=1, text="x").is_overdue(today)
    done = Action(client_id=1, text="x", due_on=date(2026, 11, 1), status="done")
    assert not done.is_overdue(today)


def test_records_round_trip_through_json() -> None:
    records = [
        Client(id=1, name="Ana", contact="ana@example.org"),
        Engagement(id=1, client_id=1, sponsor_name="Marc", end_date=date(2027, 1, 1)),
        Goal(id=1, client_id=1, specific="Run", timely=date(2027, 5, 1), status="adjusted"),
        Session(
            id=1,
            client_id=1,
            protocol_id="grow",
            mode="phone",
            agreement=Agreement(topic="Running"),
            ended_at=datetime(2026, 11, 2, 11),
        ),
        Notes(session_id=1, text="## Goal\n// private"),
        StepTiming(id=1, session_id=1, step_index=2, step_id="reality"),
        Action(id=1, client_id=1, text="Run", owner="coach", due_on=date(2026, 12, 1)),
        GoalScore(id=1, goal_id=1, session_id=1, score=7),
        Takeaway(id=1, session_id=1, text="Rest matters"),
        SearchHit(
            kind="action",
            session_id=None,
            client_id=1,
            client_name="Ana",
            started_at=None,
            snippet="[[Run]]",
        ),
    ]
    for record in records:
        assert type(record).model_validate_json(record.model_dump_json()) == record
