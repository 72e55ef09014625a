"""The client's recap: what goes in, what never does (private lines), and the draft of a session
still running."""

from __future__ import annotations

from datetime import date, datetime

from companion.core.models import (
    Action,
    Agreement,
    Client,
    Engagement,
    Goal,
    GoalProgress,
    Notes,
    Session,
    SessionRecord,
    Takeaway,
)
from companion.core.recap import build_recap, recap_filename
from companion.store.records import load_session_record

STARTED = datetime(2026, 11, 25, 14, 0)
ENDED = datetime(2026, 11, 25, 15, 2)


def make_record(
    *,
    finished: bool = True,
    notes: str = "",
    agreement: Agreement | None = None,
    actions: list[Action] | None = None,
    reviewed: list[Action] | None = None,
    goals: list[GoalProgress] | None = None,
    takeaways: list[str] = (),  # type: ignore[assignment]
    next_on: date | None = None,
    name: str = "Ana Lopez",
    number: int = 3,
) -> SessionRecord:
    session = Session(
        id=7,
        client_id=1,
        engagement_id=1,
        protocol_id="grow",
        started_at=STARTED,
        ended_at=ENDED if finished else None,
        agreement=agreement or Agreement(),
        next_session_on=next_on,
    )
    return SessionRecord(
        session=session,
        client=Client(id=1, name=name),
        engagement=Engagement(id=1, client_id=1, sessions_planned=6),
        session_number=number,
        notes=Notes(session_id=7, text=notes),
        actions_set=actions or [],
        actions_reviewed=reviewed or [],
        goals=goals or [],
        takeaways=[Takeaway(session_id=7, text=text) for text in takeaways],
    )


GOAL = Goal(id=5, client_id=1, specific="Lead the weekly team meeting without notes")


def action(text: str, **extra: object) -> Action:
    return Action(client_id=1, session_id=7, text=text, **extra)  # type: ignore[arg-type]


def test_full_recap_of_a_finished_session() -> None:
    record = make_record(
        agreement=Agreement(
            topic="Preparing Monday's meeting",
            desired_outcome="A plan for the opening",
            measure_of_success="Knows the first three sentences",
        ),
        notes="## Reality · 14:20\nTalked.\n! I prepare best by saying it aloud\n",
        actions=[
            action("Draft the meeting opening", due_on=date(2026, 11, 30), goal_id=5),
            action("Send the article on openings", owner="coach"),
        ],
        goals=[GoalProgress(goal=GOAL, score=6, previous_score=4, last_score=6)],
        takeaways=["I know how I want to start"],
        next_on=date(2026, 12, 9),
    )
    recap = build_recap(record)
    assert recap.startswith("# Session recap — Ana, Wednesday 25 November 2026\n")
    assert "Draft session recap" not in recap and "_Draft:" not in recap
    assert "Hello Ana," in recap
    assert "session 3 of 6" in recap
    for text in (
        "**Topic:** Preparing Monday's meeting",
        "**Desired outcome:** A plan for the opening",
        "Knows the first three sentences",
        "- I know how I want to start",
        "- I prepare best by saying it aloud",
        "- Draft the meeting opening — you, by Monday 30 November 2026 "
        "(goal: Lead the weekly team meeting without notes)",
        "- Send the article on openings — me (your coach)",
        "- **Lead the weekly team meeting without notes**: 6/10 (up 2 from 4)",
        "## Next session\n\nWednesday 9 December 2026.",
        "I look forward to hearing how it goes.",
    ):
        assert text in recap, text
    # The notes themselves are not the client's: only the marked insights go in.
    assert "Talked." not in recap
    assert "Reality · 14:20" not in recap
    assert recap.endswith("\n") and not recap.endswith("\n\n")


def test_private_lines_never_reach_the_recap() -> None:
    notes = (
        "## Goal · 14:02\n"
        "// SECRET-1 seems tired\n"
        "   //SECRET-2 indented\n"
        "- [ ] // SECRET-3 private action candidate\n"
        "! // SECRET-4 private insight\n"
        "- [ ] Public action candidate\r\n"
        "! Public insight\n"
    )
    record = make_record(
        finished=False,
        notes=notes,
        agreement=Agreement(topic="// SECRET-5 topic", desired_outcome="Calm"),
        actions=[action("// SECRET-6 stored private action"), action("Public stored action")],
        takeaways=["// SECRET-7 takeaway", "Public takeaway"],
    )
    recap = build_recap(record)
    for n in range(1, 8):
        assert f"SECRET-{n}" in notes or f"SECRET-{n}" in record.model_dump_json()
        assert f"SECRET-{n}" not in recap
    assert "//" not in recap
    for public in (
        "Public action candidate",
        "Public insight",
        "Public stored action",
        "Public takeaway",
        "Calm",
    ):
        assert public in recap


def test_sample_recap_leaves_out_the_private_line(sample) -> None:
    record = load_session_record(sample.store, sample.first_session.id)
    assert "// seems tired" in record.notes.text
    recap = build_recap(record)
    assert "seems tired" not in recap
    assert "Draft the meeting opening" in recap
    assert "I know how I want to start" in recap
    assert "4/10 (first score)" in recap


def test_draft_recap_lists_open_note_items_as_actions() -> None:
    record = make_record(
        finished=False,
        notes=(
            "- [ ] Call Marc about the agenda\n"
            "- [x] Already done\n"
            "* [ ] draft the meeting OPENING\n"  # already stored: listed once
            "- [ ] Book the room\n"
        ),
        actions=[action("Draft the meeting opening")],
    )
    recap = build_recap(record)
    assert recap.startswith("# Draft session recap — Ana, Wednesday 25 November 2026")
    section = recap.split("## Actions before our next session\n\n")[1].split("\n\n")[0]
    assert section.splitlines() == [
        "- Draft the meeting opening — you",
        "- Call Marc about the agenda",
        "- Book the room",
    ]
    assert "Already done" not in recap


def test_finished_recap_uses_only_the_confirmed_actions() -> None:
    record = make_record(notes="- [ ] Not confirmed at the close\n", actions=[action("Confirmed")])
    recap = build_recap(record)
    assert "Confirmed" in recap
    assert "Not confirmed" not in recap


def test_empty_sections_are_left_out() -> None:
    recap = build_recap(make_record(finished=False))
    for heading in (
        "## Our agreement",
        "## Your takeaways",
        "## Insights",
        "## Actions before",
        "## Following up",
        "## Goal progress",
        "## Next session",
    ):
        assert heading not in recap
    assert "None" not in recap
    assert "Hello Ana," in recap
    assert "I look forward to continuing our work together." in recap


def test_dropped_actions_are_left_out_and_follow_ups_are_told() -> None:
    record = make_record(
        actions=[action("Dropped idea", status="dropped"), action("Kept idea")],
        reviewed=[
            action("Ask for feedback", status="done"),
            action("Read the book", status="open"),
            action("Abandoned plan", status="dropped"),
        ],
    )
    recap = build_recap(record)
    assert "Dropped idea" not in recap
    assert "Kept idea" in recap
    assert "- Ask for feedback — done" in recap
    assert "- Read the book — carried forward" in recap
    assert "Abandoned plan" not in recap


def test_goal_progress_wording() -> None:
    goals = [
        GoalProgress(goal=GOAL.model_copy(update={"specific": "First"}), score=3),
        GoalProgress(goal=GOAL.model_copy(update={"specific": "Same"}), score=5, previous_score=5),
        GoalProgress(goal=GOAL.model_copy(update={"specific": "Down"}), score=4, previous_score=5),
        GoalProgress(goal=GOAL.model_copy(update={"specific": "Unscored"}), last_score=8),
    ]
    recap = build_recap(make_record(goals=goals))
    assert "**First**: 3/10 (first score)" in recap
    assert "**Same**: 5/10 (unchanged from 5)" in recap
    assert "**Down**: 4/10 (down 1 from 5)" in recap
    assert "Unscored" not in recap


def test_recap_filename() -> None:
    assert recap_filename(make_record()) == "2026-11-25-ana-lopez-session-3.md"
    assert recap_filename(make_record(finished=False)) == "2026-11-25-ana-lopez-session-3-draft.md"
    accented = make_record(name="José Müller-Ñandú", number=1)
    assert recap_filename(accented) == "2026-11-25-jose-muller-nandu-session-1.md"
    assert recap_filename(make_record(name="李雷")) == "2026-11-25-client-1-session-3.md"
    assert recap_filename(make_record(name="../../etc/passwd")).count("/") == 0


def test_closing_session_says_goodbye_without_promising_another(protocols) -> None:
    record = make_record(actions=[action("Keep the weekly review")])
    closing = record.model_copy(update={"protocol": protocols.get("closing")})
    assert "I look forward to hearing how it goes." in build_recap(record)
    recap = build_recap(closing)
    assert "before we meet again" not in recap
    assert "next session" not in recap.lower()
    assert "## Your next steps\n\n- Keep the weekly review — you" in recap
    assert "I wish you every success with what comes next." in recap
