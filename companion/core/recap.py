"""The recap a coach sends the client after a session: Markdown, built from the stored record.

Pure: a SessionRecord in, text out. Only what was explicitly recorded for the client goes in (the
agreement, takeaways, ``! `` insights, actions, goal scores, the next date); the notes themselves
never do. No private line can reach the recap: it is built from `client_record`, the session
with every text taken through companion.core.notes.client_text, and the whole text goes through
client_text again at the end. `client_record` serves every other output for the client too.
An unfinished session gives a draft whose actions include the notes' ``- [ ]`` lines.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from companion.core.models import Action, Goal, GoalProgress, SessionRecord
from companion.core.notes import action_candidates, client_text, insights
from companion.core.text import dated_file_name


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _public(text: str) -> str:
    """What the client may see of one recorded text ("" when it is private), stripped."""
    return client_text(text).strip()


def client_fields(record: BaseModel, fields: tuple[str, ...]) -> dict[str, Any]:
    """FIELDS of RECORD as a client copy shows them (recaps and exports alike)."""
    return {name: _public(getattr(record, name)) for name in fields}


GOAL_TEXT = ("specific", "measurable", "achievable", "realistic", "ecological")
AGREEMENT_TEXT = ("topic", "desired_outcome", "measure_of_success")
ENGAGEMENT_TEXT = (
    "sponsor_name",
    "sponsor_role",
    "sponsor_contact",
    "confidentiality",
    "objective",
)


def client_name(record: SessionRecord) -> str:
    """The client's name as a client copy shows it: 'Client 4' in place of a private name."""
    return _public(record.client.name) or f"Client {record.client.id or ''}".strip()


def client_record(record: SessionRecord) -> SessionRecord:
    """The session as the client may see it: every text through client_text, wherever it was typed.

    Notes, the client's name and contact, the engagement, the agreement, goals, actions and
    takeaways. A record whose text is private as a whole (an action, a takeaway or a goal typed
    as ``// ...``) is left out; a private client name becomes 'Client N' (see client_name).
    """
    session = record.session
    agreement = session.agreement.model_copy(
        update=client_fields(session.agreement, AGREEMENT_TEXT)
    )
    engagement = record.engagement
    if engagement is not None:
        engagement = engagement.model_copy(update=client_fields(engagement, ENGAGEMENT_TEXT))
    goals = [
        p.model_copy(update={"goal": p.goal.model_copy(update=client_fields(p.goal, GOAL_TEXT))})
        for p in record.goals
    ]

    def actions(found: list[Action]) -> list[Action]:
        return [a.model_copy(update={"text": _public(a.text)}) for a in found if _public(a.text)]

    return record.model_copy(
        update={
            "session": session.model_copy(update={"agreement": agreement}),
            "client": record.client.model_copy(
                update={"name": client_name(record), "contact": _public(record.client.contact)}
            ),
            "engagement": engagement,
            "notes": record.notes.model_copy(update={"text": client_text(record.notes.text)}),
            "actions_set": actions(record.actions_set),
            "actions_reviewed": actions(record.actions_reviewed),
            "goals": [p for p in goals if p.goal.specific],
            "takeaways": [
                t.model_copy(update={"text": _public(t.text)})
                for t in record.takeaways
                if _public(t.text)
            ],
        }
    )


def long_date(day: date) -> str:
    """'Wednesday 25 November 2026': unambiguous for clients in any country."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def _action_line(
    action: Action, goals: dict[int, str], sponsor: str = "", *, carried: bool = False
) -> str:
    owners = {"coachee": "you", "coach": "me (your coach)", "sponsor": sponsor or "your sponsor"}
    details = [owners[action.owner]]
    if action.due_on is not None:
        details.append(f"by {long_date(action.due_on)}")
    goal = goals.get(action.goal_id) if action.goal_id is not None else None
    if carried:
        details.append("carried forward")
    line = f"- {_one_line(action.text)} — {', '.join(details)}"
    if goal:
        line += f" (goal: {goal})"
    return line


def _progress_line(progress: GoalProgress) -> str:
    name = _one_line(progress.goal.specific)
    line = f"- **{name}**: {progress.score}/10"
    change = progress.change
    if change is None:
        line += " (first score)"
    elif change == 0:
        line += f" (unchanged from {progress.previous_score})"
    else:
        line += f" ({'up' if change > 0 else 'down'} {abs(change)} from {progress.previous_score})"
    return line


def _achieved_here(goal: Goal, record: SessionRecord, *, whole_engagement: bool) -> bool:
    """Whether the recap tells of GOAL achieved: on the session's day, or (WHOLE_ENGAGEMENT, the
    closing session) at any time in the session's engagement up to that day."""
    if goal.status != "achieved" or goal.status_on is None:
        return False
    day = record.session.started_at.date()
    if not whole_engagement:
        return goal.status_on == day
    same = record.engagement is None or goal.engagement_id in (None, record.engagement.id)
    return same and goal.status_on <= day


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"## {title}", "", *lines, ""] if lines else []


def _draft_actions(record: SessionRecord, stored: list[Action]) -> list[str]:
    """The notes' `- [ ]` lines not already recorded as actions (compared ignoring case)."""
    known = {_one_line(action.text).casefold() for action in stored}
    found: list[str] = []
    for text in action_candidates(record.notes.text):
        key = _one_line(text).casefold()
        if key not in known:
            known.add(key)
            found.append(f"- {_one_line(text)}")
    return found


def build_recap(record: SessionRecord) -> str:
    """The client's recap of one session, in Markdown (a draft while the session is unfinished)."""
    name = first_name(_public(record.client.name))  # a private name: no name, not 'Client 4'
    record = client_record(record)
    session = record.session
    draft = not session.is_finished
    day = session.started_at.date()
    goals = {p.goal.id: _one_line(p.goal.specific) for p in record.goals if p.goal.id is not None}

    title = "Draft session recap" if draft else "Session recap"
    out: list[str] = [f"# {title} — {f'{name}, ' if name else ''}{long_date(day)}", ""]
    if draft:
        out += ["_Draft: the session is not finished; actions include the notes' open items._", ""]
    of_planned = ""
    if record.engagement is not None and record.engagement.sessions_planned:
        of_planned = f" of {record.engagement.sessions_planned}"
    out += [
        f"Hello {name}," if name else "Hello,",
        "",
        f"Thank you for our session on {long_date(day)} (session {record.session_number}"
        f"{of_planned}). Here is a short summary to keep.",
        "",
    ]

    agreement = session.agreement
    out += _section(
        "Our agreement for this session",
        [
            f"- **{label}:** {_one_line(value)}"
            for label, value in (
                ("Topic", agreement.topic),
                ("Desired outcome", agreement.desired_outcome),
                ("Measure of success", agreement.measure_of_success),
            )
            if value
        ],
    )
    out += _section(
        "Your takeaways",
        [f"- {_one_line(t.text)}" for t in record.takeaways],
    )
    out += _section(
        "Insights",
        [f"- {_one_line(text)}" for text in insights(record.notes.text)],
    )

    sponsor = _one_line(record.engagement.sponsor_name) if record.engagement else ""
    stored = [a for a in record.actions_set if a.status != "dropped"]
    actions = [_action_line(action, goals, sponsor) for action in stored]
    if draft:
        actions += _draft_actions(record, stored)
    carried = [a for a in record.actions_reviewed if a.status == "open"]
    actions += [_action_line(a, goals, sponsor, carried=True) for a in carried]
    final = record.protocol is not None and record.protocol.kind == "closing"
    out += _section("Your next steps" if final else "Actions before our next session", actions)

    followed = [
        f"- {_one_line(a.text)} — {'done' if a.status == 'done' else 'carried forward'}"
        for a in record.actions_reviewed
        if a.status != "dropped"
    ]
    out += _section("Following up on earlier actions", followed)
    out += _section(
        "What you have achieved" if final else "Goals achieved",
        [
            f"- **{_one_line(p.goal.specific)}** (achieved on {long_date(p.goal.status_on)})"
            for p in record.goals
            if _achieved_here(p.goal, record, whole_engagement=final)
        ],
    )

    out += _section(
        "Goal progress",
        [_progress_line(p) for p in record.goals if p.score is not None],
    )
    if session.next_session_on is not None:
        out += _section("Next session", [long_date(session.next_session_on) + "."])

    if final:
        closing = (
            "Thank you for your trust and for the work you have put into our coaching. "
            "I wish you every success with what comes next."
        )
    elif actions:
        closing = (
            "Every step you take before we meet again, even an imperfect one, is something to "
            "learn from. I look forward to hearing how it goes."
        )
    else:
        closing = (
            "Thank you for your openness and your work in this session. I look forward to "
            "continuing our work together."
        )
    out += [closing, ""]
    # A last guard: no line that reads as private leaves for the client, whatever its source.
    return client_text("\n".join(out)).rstrip("\n") + "\n"


def recap_filename(record: SessionRecord) -> str:
    """'2026-11-25-ana-lopez-session-3.md' (with '-draft' before '.md' for an unfinished one)."""
    draft = "" if record.session.is_finished else "-draft"
    return dated_file_name(
        record.session.started_at.date(),
        _public(record.client.name),
        f"client-{record.client.id}",
        f"session-{record.session_number}{draft}",
    )
