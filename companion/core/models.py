"""The records of a coaching practice: the one definition of each record's shape.

The store takes and returns these models; the UI and the CLI show them. Nothing here does I/O.
Times are naive local datetimes (a coach's practice lives in the coach's own time zone).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from companion.core.notes import is_private
from companion.core.protocols import Protocol
from companion.core.terms import SESSION_MODES as SESSION_MODES
from companion.core.terms import SessionMode as SessionMode
from companion.core.terms import now as now
from companion.core.terms import today as today_

Billing = Literal["paid", "pro_bono"]
EngagementFormat = Literal["individual", "group"]
EngagementStatus = Literal["open", "closed"]
GoalStatus = Literal["active", "achieved", "adjusted", "dropped"]
ActionOwner = Literal["coachee", "coach", "sponsor"]
ActionStatus = Literal["open", "done", "dropped"]
RecapFormat = Literal["markdown", "text"]

GOAL_STATUSES: tuple[GoalStatus, ...] = ("active", "achieved", "adjusted", "dropped")
ACTION_OWNERS: tuple[ActionOwner, ...] = ("coachee", "coach", "sponsor")
ACTION_STATUSES: tuple[ActionStatus, ...] = ("open", "done", "dropped")
RECAP_FORMATS: tuple[RecapFormat, ...] = ("markdown", "text")
SESSIONS_PLANNED_MAX = 500
"""The most sessions a contract plans, in the contract form and `engagement set --planned` alike.
Not a bound on Engagement itself: a contract stored with more still opens (the form then asks)."""
GROUP_SIZE_MAX = 1000
"""The most people in a group engagement, in the contract form and `--group-size` alike."""


class Record(BaseModel):
    """Common settings: validate on assignment so a record can never hold a bad value."""

    model_config = ConfigDict(validate_assignment=True, extra="forbid", defer_build=True)


def one_line(value: object) -> object:
    """VALUE as one line: every line break collapsed to one space, blank lines dropped, stripped.

    Any separator `str.splitlines` knows counts as a line break (\\r, \\n, \\r\\n, \\v, \\f, \\x85,
    U+2028, U+2029, ...), along with the spaces around it. Values that are not strings pass
    unchanged, for pydantic to refuse.

    Privacy (see companion.core.notes): a one-line value that starts with ``//``
    (``// call HR``, also after a bullet, checkbox or ``!``) is a private item, for the coach
    only; client outputs leave it out entirely. A value that arrives in several lines with a
    private line after a public one (``"Call HR\\n// ask about the budget"``, from an import
    or an old database) becomes ``"// Call HR // ask about the budget"``: private as a whole.
    Once on one line the private remark could no longer be told apart from the rest, so the
    whole item is hidden rather than the remark shown; nothing the coach wrote is lost, and
    removing the leading ``//`` makes the item the client's again.
    """
    if not isinstance(value, str):
        return value
    lines = [line.strip() for line in value.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 1 and not is_private(lines[0]) and any(map(is_private, lines[1:])):
        lines.insert(0, "//")
    return " ".join(lines)


OneLine = Annotated[str, BeforeValidator(one_line)]
"""A text that is one line by construction (see `one_line`): names, actions, goals, agreements.

A before-validator, so `min_length` and the other checks see the value as it will be stored."""


class Client(Record):
    id: int | None = None
    name: OneLine = Field(min_length=1)
    contact: OneLine = ""
    created_at: datetime = Field(default_factory=now)


class Engagement(Record):
    """The coaching contract between coach, client and (in three-party coaching) a sponsor."""

    id: int | None = None
    client_id: int
    sponsor_name: OneLine = ""
    sponsor_role: OneLine = ""
    sponsor_contact: OneLine = ""
    start_date: date = Field(default_factory=date.today)
    end_date: date | None = None
    sessions_planned: int | None = Field(default=None, ge=1)
    confidentiality: str = ""
    billing: Billing = "paid"
    format: EngagementFormat = "individual"
    group_size: int | None = Field(default=None, ge=2)
    objective: str = ""
    status: EngagementStatus = "open"
    log_consent: bool = Field(
        default=True, description="The client agrees to be named in the coach's ICF coaching log."
    )

    @property
    def is_three_party(self) -> bool:
        return bool(self.sponsor_name)


class Goal(Record):
    """A SMARTE goal: Specific, Measurable, Achievable, Realistic, Timely, Ecological."""

    id: int | None = None
    client_id: int
    engagement_id: int | None = None
    specific: OneLine = Field(min_length=1, description="The goal itself, in the client's words.")
    measurable: OneLine = ""
    achievable: OneLine = ""
    realistic: OneLine = ""
    timely: date | None = Field(default=None, description="The date the goal is due.")
    ecological: OneLine = ""
    status: GoalStatus = "active"
    created_at: datetime = Field(default_factory=now)
    status_on: date | None = Field(
        default=None, description="The day it was achieved, adjusted or dropped."
    )
    adjusted_from: int | None = Field(
        default=None, description="The goal this one is the adjusted version of."
    )


class Agreement(Record):
    """Today's session agreement: what the client wants from this session and how they'll know."""

    topic: OneLine = ""
    desired_outcome: OneLine = ""
    measure_of_success: OneLine = ""

    @property
    def is_empty(self) -> bool:
        return not (self.topic or self.desired_outcome or self.measure_of_success)


class Session(Record):
    id: int | None = None
    client_id: int
    engagement_id: int | None = None
    protocol_id: str
    protocol_snapshot: str = Field(
        default="",
        description="The protocol as used, as JSON, so later edits don't rewrite history.",
    )
    planned_minutes: int = Field(default=60, ge=1)
    mode: SessionMode = "video"
    started_at: datetime = Field(default_factory=now)
    ended_at: datetime | None = None
    agreement: Agreement = Field(default_factory=Agreement)
    current_step: int = Field(default=0, ge=0)
    next_session_on: date | None = None
    duration_seconds: int | None = Field(
        default=None,
        ge=0,
        description="Time in session (the periods it was open), stored when it is finished; "
        "None while it is running.",
    )

    @property
    def is_finished(self) -> bool:
        return self.ended_at is not None

    @property
    def duration_minutes(self) -> float | None:
        """Minutes in session; None while the session is still running.

        The stored duration (the periods the session was open, or the coach's correction);
        end minus start only for a finished session stored without one.
        """
        if self.ended_at is None:
            return None
        if self.duration_seconds is not None:
            return self.duration_seconds / 60
        return max(0.0, (self.ended_at - self.started_at).total_seconds() / 60)


class SessionPeriod(Record):
    """One stretch of time the live screen had a session open: what time in session sums."""

    id: int | None = None
    session_id: int
    opened_at: datetime
    last_seen_at: datetime = Field(description="The last moment the session was seen open.")

    @property
    def seconds(self) -> float:
        return max(0.0, (self.last_seen_at - self.opened_at).total_seconds())


class Lease(BaseModel):
    """Which companion window has a session open: one process on one host, renewing it."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    session_id: int
    token: str = Field(min_length=1)
    pid: int
    host: str
    taken_at: datetime
    heartbeat_at: datetime


class Notes(Record):
    """A session's notes, in Markdown. Kept in their own record so autosave writes little."""

    session_id: int
    text: str = ""
    updated_at: datetime = Field(default_factory=now)


class RecapEdit(Record):
    """The coach's own wording of a session's recap in one FORMAT, kept so re-copying gives it."""

    session_id: int
    format: RecapFormat = "markdown"
    text: str
    edited_at: datetime = Field(default_factory=now)


class StepTiming(Record):
    id: int | None = None
    session_id: int
    step_index: int = Field(ge=0)
    step_id: str
    entered_at: datetime = Field(default_factory=now)
    left_at: datetime | None = None

    @property
    def seconds(self) -> float | None:
        if self.left_at is None:
            return None
        return max(0.0, (self.left_at - self.entered_at).total_seconds())


class Action(Record):
    """Something the client, the coach or the sponsor commits to do before a later session."""

    id: int | None = None
    client_id: int
    session_id: int | None = Field(default=None, description="The session that set the action.")
    reviewed_session_id: int | None = Field(
        default=None, description="The later session in which it was followed up."
    )
    text: OneLine = Field(min_length=1)
    owner: ActionOwner = "coachee"
    due_on: date | None = None
    goal_id: int | None = None
    status: ActionStatus = "open"
    created_at: datetime = Field(default_factory=now)
    closed_at: datetime | None = None

    def is_overdue(self, today: date | None = None) -> bool:
        return (
            self.status == "open" and self.due_on is not None and self.due_on < (today or today_())
        )


class GoalScore(Record):
    """Where the client puts themself on a goal, 0 to 10, in one session."""

    id: int | None = None
    goal_id: int
    session_id: int
    score: int = Field(ge=0, le=10)
    created_at: datetime = Field(default_factory=now)


class Takeaway(Record):
    id: int | None = None
    session_id: int
    text: OneLine = Field(min_length=1)


class SearchHit(Record):
    """One full-text search result: where it was found and a snippet with the match marked."""

    kind: Literal["notes", "agreement", "action", "takeaway", "goal", "contract"]
    session_id: int | None
    client_id: int
    client_name: str
    started_at: datetime | None
    snippet: str = Field(description="Text with each match between [[ and ]].")
    step: str = Field(
        default="", description="The step of the session where the match is (notes only)."
    )


class GoalProgress(Record):
    """A goal as it stood in one session: its score there, the score before, and the latest."""

    goal: Goal
    score: int | None = Field(default=None, description="The score given in this session.")
    previous_score: int | None = Field(
        default=None, description="The last score given before this session."
    )
    last_score: int | None = Field(
        default=None,
        description="The latest score as of this session: its own, else the one before "
        "(never a later session's; see companion.store.progress).",
    )
    scores: list[GoalScore] = Field(
        default_factory=list, description="Every score of the goal, in session order."
    )

    @property
    def change(self) -> int | None:
        """How far the score moved since the previous one; None without both scores."""
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score


class SessionRecord(Record):
    """Everything stored about one session, gathered for showing, exporting and the recap."""

    session: Session
    client: Client
    engagement: Engagement | None = None
    protocol: Protocol | None = Field(
        default=None, description="The protocol as used (from the session's snapshot)."
    )
    session_number: int = Field(default=1, ge=1, description="Which session of the engagement.")
    notes: Notes
    step_timings: list[StepTiming] = Field(default_factory=list)
    actions_set: list[Action] = Field(
        default_factory=list, description="The actions this session set."
    )
    actions_reviewed: list[Action] = Field(
        default_factory=list, description="Actions from earlier sessions followed up in this one."
    )
    goals: list[GoalProgress] = Field(default_factory=list, description="The client's goals.")
    takeaways: list[Takeaway] = Field(default_factory=list)

    @property
    def is_finished(self) -> bool:
        return self.session.is_finished
