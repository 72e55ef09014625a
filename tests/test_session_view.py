"""The coach's read-back of a session: time per step and the Markdown document."""

from __future__ import annotations

from datetime import datetime

from test_recap import make_record

from companion.core.models import Action, Engagement, StepTiming
from companion.core.session_view import clock, session_markdown, step_spent


def timing(step_id: str, index: int, start: tuple[int, int], end: tuple[int, int] | None):
    day = (2026, 11, 25)
    return StepTiming(
        session_id=7,
        step_index=index,
        step_id=step_id,
        entered_at=datetime(*day, *start),
        left_at=datetime(*day, *end) if end else None,
    )


def test_step_spent_adds_up_visits_and_flags_overruns(protocols) -> None:
    record = make_record(finished=False).model_copy(
        update={
            "protocol": protocols.get("grow"),
            "step_timings": [
                timing("agreement", 0, (14, 0), (14, 4)),
                timing("goal", 2, (14, 4), (14, 10)),
                timing("agreement", 0, (14, 10), (14, 12)),  # back to it: 6 min in all
                timing("renamed-step", 9, (14, 12), (14, 13)),
                timing("reality", 3, (14, 13), None),  # the step the session is in now
            ],
        }
    )
    rows = {row.step_id: row for row in step_spent(record)}
    assert list(rows)[:3] == ["agreement", "actions-review", "goal"]
    assert rows["agreement"].seconds == 360 and rows["agreement"].visits == 2
    assert rows["agreement"].over  # 6 minutes against a 5-minute timebox
    assert not rows["goal"].over
    assert rows["actions-review"].visits == 0
    assert rows["reality"].open and rows["reality"].seconds == 0
    assert rows["renamed-step"].timebox_minutes is None and rows["renamed-step"].seconds == 60
    assert clock(rows["agreement"].seconds) == "6:00"


def test_markdown_keeps_private_lines_for_the_coach_only_when_asked() -> None:
    record = make_record(notes="# Goal\nvisible\n// PRIVATE-X\n")
    mine = session_markdown(record)
    assert "// PRIVATE-X" in mine and "## Goal" in mine and "private" in mine
    theirs = session_markdown(record, private=False)
    assert "PRIVATE-X" not in theirs and "visible" in theirs
    assert "private" not in theirs.lower()


def test_a_sponsors_action_is_named_for_the_sponsor_a_private_name_for_the_coach_only() -> None:
    shared = Action(client_id=1, session_id=7, text="Share the survey", owner="sponsor")
    carried = shared.model_copy(update={"session_id": 3, "status": "open"})
    record = make_record(actions=[shared], reviewed=[carried])
    lines = session_markdown(record).splitlines()
    assert "- [ ] Share the survey — sponsor" in lines  # a contract without a sponsor's name
    named = record.model_copy(
        update={"engagement": Engagement(id=1, client_id=1, sponsor_name="Marc Dubois")}
    )
    lines = session_markdown(named).splitlines()
    assert "- [ ] Share the survey — Marc Dubois" in lines
    assert "- [ ] Share the survey — Marc Dubois (open)" in lines  # followed up, too
    hidden = record.model_copy(
        update={"engagement": Engagement(id=1, client_id=1, sponsor_name="// Marc, ask HR")}
    )
    assert "- [ ] Share the survey — // Marc, ask HR" in session_markdown(hidden).splitlines()
    theirs = session_markdown(hidden, private=False)
    assert "- [ ] Share the survey — sponsor" in theirs.splitlines() and "ask HR" not in theirs
