"""A whole session as the coach reads it back: step times against timeboxes, a Markdown document.

Pure: a SessionRecord in, rows or text out. This is the coach's own view, so private lines stay in
(marked as such) unless `private=False` asks for a copy fit for the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from companion.core.markers import markers_line
from companion.core.models import Action, SessionRecord
from companion.core.notes import is_private, without_private
from companion.core.recap import long_date
from companion.core.terms import clock as clock


@dataclass(frozen=True)
class StepSpent:
    """Time spent in one step of the protocol, over every visit to it."""

    index: int
    step_id: str
    title: str
    timebox_minutes: int | None
    seconds: float
    visits: int
    open: bool  # the session is still in this step: `seconds` counts finished visits only

    @property
    def over(self) -> bool:
        return self.timebox_minutes is not None and self.seconds > self.timebox_minutes * 60


def step_spent(record: SessionRecord) -> list[StepSpent]:
    """The protocol's steps in order with the time spent in each (steps never visited: zero)."""
    seconds: dict[str, float] = {}
    visits: dict[str, int] = {}
    open_steps: set[str] = set()
    for timing in record.step_timings:
        visits[timing.step_id] = visits.get(timing.step_id, 0) + 1
        if timing.seconds is None:
            open_steps.add(timing.step_id)
        else:
            seconds[timing.step_id] = seconds.get(timing.step_id, 0.0) + timing.seconds
    rows: list[StepSpent] = []
    known: set[str] = set()
    if record.protocol is not None:
        for index, step in enumerate(record.protocol.steps):
            known.add(step.id)
            rows.append(
                StepSpent(
                    index,
                    step.id,
                    step.title,
                    step.minutes,
                    seconds.get(step.id, 0.0),
                    visits.get(step.id, 0),
                    step.id in open_steps,
                )
            )
    for timing in record.step_timings:  # steps the snapshot does not know (kept, not hidden)
        if timing.step_id not in known:
            known.add(timing.step_id)
            rows.append(
                StepSpent(
                    timing.step_index,
                    timing.step_id,
                    timing.step_id,
                    None,
                    seconds.get(timing.step_id, 0.0),
                    visits[timing.step_id],
                    timing.step_id in open_steps,
                )
            )
    return rows


def session_markers(record: SessionRecord) -> list[str]:
    """The PCC markers of the steps the session went through (a reflection, never a score)."""
    if record.protocol is None:
        return []
    return record.protocol.markers_of(timing.step_id for timing in record.step_timings)


def when(record: SessionRecord) -> str:
    """'2026-11-25 14:00–15:02 (62 min)', or '... 14:00, unfinished'."""
    session = record.session
    start = f"{session.started_at:%Y-%m-%d %H:%M}"
    if session.ended_at is None:
        return f"{start}, unfinished"
    end = _time(session.ended_at, session.started_at)
    return f"{start}–{end} ({round(session.duration_minutes or 0)} min)"


def _time(moment: datetime, since: datetime) -> str:
    return f"{moment:%H:%M}" if moment.date() == since.date() else f"{moment:%Y-%m-%d %H:%M}"


def action_summary(action: Action, goals: dict[int, str], sponsor: str = "") -> str:
    """'Draft the opening — coachee, due 2026-11-20, goal: Lead the meeting'.

    A sponsor's action names SPONSOR (the contract's sponsor), "sponsor" when there is none."""
    details = [(sponsor or "sponsor") if action.owner == "sponsor" else action.owner]
    if action.due_on is not None:
        details.append(f"due {action.due_on.isoformat()}")
    if action.goal_id is not None and action.goal_id in goals:
        details.append(f"goal: {goals[action.goal_id]}")
    return f"{' '.join(action.text.split())} — {', '.join(details)}"


def goal_names(record: SessionRecord) -> dict[int, str]:
    return {p.goal.id: p.goal.specific for p in record.goals if p.goal.id is not None}


def sponsor_name(record: SessionRecord, *, private: bool = True) -> str:
    """The contract's sponsor as one line, for naming who owns an action ("" when none).

    A name typed as private is the coach's alone: left out when private=False."""
    name = " ".join(record.engagement.sponsor_name.split()) if record.engagement else ""
    return "" if not private and is_private(name) else name


_HEADING = re.compile(r"^(#{1,5})(\s)")
_CHECK = {"open": "[ ]", "done": "[x]", "dropped": "[-]"}


def _notes_section(text: str, *, private: bool) -> list[str]:
    """The notes, headings demoted one level to sit under '## Notes'."""
    if not private:
        text = without_private(text)
    return [_HEADING.sub(r"#\1\2", line) for line in text.splitlines()]


def session_markdown(record: SessionRecord, *, private: bool = True) -> str:
    """The whole session as one Markdown document (private lines kept unless private=False)."""
    session = record.session
    goals = goal_names(record)
    sponsor = sponsor_name(record, private=private)
    protocol = record.protocol.name if record.protocol else session.protocol_id
    out = [
        f"# Session {session.id} — {record.client.name}, {long_date(session.started_at.date())}",
        "",
        f"- **When:** {when(record)}",
        f"- **Protocol:** {protocol} ({session.protocol_id})",
        f"- **Mode:** {session.mode}, {session.planned_minutes} min planned",
    ]
    engagement = record.engagement
    number = f"{record.session_number}"
    if engagement is not None and engagement.sessions_planned:
        number += f" of {engagement.sessions_planned}"
    out.append(f"- **Session:** {number} in this engagement")
    if engagement is not None and sponsor:
        shown_role = engagement.sponsor_role and (
            private or not is_private(engagement.sponsor_role)
        )
        role = f" ({engagement.sponsor_role})" if shown_role else ""
        out.append(f"- **Sponsor:** {sponsor}{role}")
    if engagement is not None and engagement.confidentiality:
        out.append(f"- **Confidentiality:** {engagement.confidentiality}")
    if session.next_session_on is not None:
        out.append(f"- **Next session:** {session.next_session_on.isoformat()}")
    out.append("")

    agreement = session.agreement
    if not agreement.is_empty:
        out += ["## Agreement", ""]
        for label, value in (
            ("Topic", agreement.topic),
            ("Desired outcome", agreement.desired_outcome),
            ("Measure of success", agreement.measure_of_success),
        ):
            if value:
                out.append(f"- **{label}:** {value}")
        out.append("")

    steps = [row for row in step_spent(record) if row.visits]
    if steps:
        out += ["## Steps", "", "| Step | Timebox | Spent |", "| --- | ---: | ---: |"]
        for row in steps:
            box = f"{row.timebox_minutes} min" if row.timebox_minutes else ""
            spent = clock(row.seconds) + (" (in progress)" if row.open else "")
            spent += " (over)" if row.over else ""
            out.append(f"| {_cell(row.title)} | {box} | {spent} |")
        out.append("")
        markers = session_markers(record)
        if private and markers:  # the coach's reflection aid, not the client's
            out += [f"_{markers_line(markers)} (the steps gone through)_", ""]

    notes = _notes_section(record.notes.text, private=private)
    if any(line.strip() for line in notes):
        if private and any(is_private(line) for line in notes):
            out += ["## Notes", "", "_Lines starting with // are private: for the coach only._", ""]
        else:
            out += ["## Notes", ""]
        out += [*notes, ""]

    if record.actions_set:
        out += ["## Actions set", ""]
        out += [
            f"- {_CHECK[a.status]} {action_summary(a, goals, sponsor)}" for a in record.actions_set
        ]
        out.append("")
    if record.actions_reviewed:
        out += ["## Actions followed up", ""]
        out += [
            f"- {_CHECK[a.status]} {action_summary(a, goals, sponsor)} ({a.status})"
            for a in record.actions_reviewed
        ]
        out.append("")

    if record.goals:
        out += ["## Goals", "", "| Goal | Status | This session | Before | Latest |"]
        out.append("| --- | --- | ---: | ---: | ---: |")
        for p in record.goals:
            cells = [_score(p.score), _score(p.previous_score), _score(p.last_score)]
            out.append(f"| {_cell(p.goal.specific)} | {p.goal.status} | {' | '.join(cells)} |")
        out.append("")

    if record.takeaways:
        out += ["## Takeaways", "", *[f"- {t.text}" for t in record.takeaways], ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _score(score: int | None) -> str:
    return "" if score is None else f"{score}/10"


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")
