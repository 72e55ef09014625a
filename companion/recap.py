"""The recap a coach sends the client after a session: Markdown, built from the stored record.

Pure: a SessionRecord in, text out. Only what was explicitly recorded for the client goes in (the
agreement, takeaways, ``! `` insights, actions, goal scores, the next date); the notes themselves
never do, and no private line can reach the recap (every line is checked again at the end).
An unfinished session gives a draft whose actions include the notes' ``- [ ]`` lines.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from companion.models import Action, GoalProgress, SessionRecord
from companion.notes import action_candidates, insights, is_private, without_private


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _keep(text: str) -> bool:
    """Whether a recorded text may go to the client: not empty, not marked private."""
    return bool(text.strip()) and not is_private(text.strip())


def long_date(day: date) -> str:
    """'Wednesday 25 November 2026': unambiguous for clients in any country."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def first_name(name: str) -> str:
    parts = name.split()
    return parts[0] if parts else name


def _action_line(action: Action, goals: dict[int, str]) -> str:
    who = "you" if action.owner == "coachee" else "me (your coach)"
    details = [who]
    if action.due_on is not None:
        details.append(f"by {long_date(action.due_on)}")
    goal = goals.get(action.goal_id) if action.goal_id is not None else None
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
    session = record.session
    draft = not session.is_finished
    day = session.started_at.date()
    name = first_name(record.client.name)
    goals = {p.goal.id: _one_line(p.goal.specific) for p in record.goals if p.goal.id is not None}

    title = "Draft session recap" if draft else "Session recap"
    out: list[str] = [f"# {title} — {name}, {long_date(day)}", ""]
    if draft:
        out += ["_Draft: the session is not finished; actions include the notes' open items._", ""]
    of_planned = ""
    if record.engagement is not None and record.engagement.sessions_planned:
        of_planned = f" of {record.engagement.sessions_planned}"
    out += [
        f"Hello {name},",
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
            if _keep(value)
        ],
    )
    out += _section(
        "Your takeaways",
        [f"- {_one_line(t.text)}" for t in record.takeaways if _keep(t.text)],
    )
    out += _section(
        "Insights",
        [f"- {_one_line(text)}" for text in insights(record.notes.text)],
    )

    stored = [a for a in record.actions_set if a.status != "dropped" and _keep(a.text)]
    actions = [_action_line(action, goals) for action in stored]
    if draft:
        actions += _draft_actions(record, stored)
    final = record.protocol is not None and record.protocol.kind == "closing"
    out += _section("Your next steps" if final else "Actions before our next session", actions)

    followed = [
        f"- {_one_line(a.text)} — {'done' if a.status == 'done' else 'carried forward'}"
        for a in record.actions_reviewed
        if a.status != "dropped" and _keep(a.text)
    ]
    out += _section("Following up on earlier actions", followed)

    out += _section(
        "Goal progress",
        [_progress_line(p) for p in record.goals if p.score is not None and _keep(p.goal.specific)],
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
    return without_private("\n".join(out)).rstrip("\n") + "\n"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def recap_filename(record: SessionRecord) -> str:
    """'2026-11-25-ana-lopez-session-3.md' (with '-draft' before '.md' for an unfinished one)."""
    client = _slug(record.client.name) or f"client-{record.client.id}"
    day = record.session.started_at.date().isoformat()
    draft = "" if record.session.is_finished else "-draft"
    return f"{day}-{client}-session-{record.session_number}{draft}.md"
