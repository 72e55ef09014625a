"""View models: what each screen shows, read in one go with a fixed number of queries.

Each builder reads under `store.reading()` (so the reads agree while the live screen's writer
saves) with the same number of queries whatever the practice's size: rows are fetched per table
and joined in Python, never one query per row. The screens only render these records. Session
numbers and goal progress come from companion.store.progress, the one definition of each.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlite_utils import Database

from companion.core.models import (
    Action,
    Client,
    Engagement,
    Goal,
    GoalProgress,
    GoalScore,
    Notes,
    Session,
    SessionRecord,
    StepTiming,
    Takeaway,
)
from companion.core.protocols import Protocol, protocol_from_snapshot

from .base import NotFound
from .progress import NUMBERED, SessionKey, client_scores, progress_as_of
from .rows import session_from_row as _session
from .store import Store

_ACTION_ORDER = "ORDER BY due_on IS NULL, due_on, id"


class View(BaseModel):
    """A view model: read once, never changed (a screen reads a new one to show a change)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# -- reading rows ---------------------------------------------------------------------------


def _clients(db: Database, where: str = "1", args: Any = ()) -> list[Client]:
    rows = db.query(f"SELECT * FROM clients WHERE {where} ORDER BY name COLLATE NOCASE", args)
    return [Client.model_validate(row) for row in rows]


def _client(db: Database, client_id: int) -> Client:
    found = _clients(db, "id = ?", [client_id])
    if not found:
        raise NotFound(f"no client with id {client_id}")
    return found[0]


def _engagement(db: Database, engagement_id: int | None) -> Engagement | None:
    """The engagement (one query, even for a session without one)."""
    rows = list(db.query("SELECT * FROM engagements WHERE id = ?", [engagement_id]))
    return Engagement.model_validate(rows[0]) if rows else None


def _goals(db: Database, client_id: int) -> list[Goal]:
    rows = db.query("SELECT * FROM goals WHERE client_id = ? ORDER BY id", [client_id])
    return [Goal.model_validate(row) for row in rows]


def _actions(db: Database, where: str, args: Any) -> list[Action]:
    rows = db.query(f"SELECT * FROM actions WHERE {where} {_ACTION_ORDER}", args)
    return [Action.model_validate(row) for row in rows]


def _numbered_session(db: Database, session_id: int) -> tuple[Session, int, SessionKey]:
    """The session, its number and its place in session order, in one query. Raises NotFound
    for a wrong id."""
    client = "(SELECT client_id FROM sessions WHERE id = :id)"
    sql = f"SELECT * FROM ({NUMBERED.format(columns='sessions.*', client=client)}) WHERE id = :id"
    rows = list(db.query(sql, {"id": session_id}))
    if not rows:
        raise NotFound(f"no session with id {session_id}")
    number = rows[0].pop("number")
    return _session(rows[0]), number, (rows[0]["started_at"], session_id)


def _protocol(session: Session) -> Protocol | None:
    """The protocol as used; None for a session stored without a readable snapshot."""
    if not session.protocol_snapshot:
        return None
    try:
        return protocol_from_snapshot(session.protocol_snapshot)
    except ValueError:  # pydantic's ValidationError and ProtocolError's JSON faults
        return None


# -- home ------------------------------------------------------------------------------------


class UnfinishedSession(View):
    session: Session
    client_name: str
    protocol: Protocol | None = None

    @property
    def label(self) -> str:
        """The protocol and the step the session was left at, e.g. 'GROW · step 2 of 5'."""
        if self.protocol is None:
            return self.session.protocol_id
        steps = len(self.protocol.steps)
        return f"{self.protocol.name} · step {self.session.current_step + 1} of {steps}"


class DueAction(View):
    action: Action
    client_name: str


class HomeView(View):
    """What the home screen shows: clients, unfinished sessions, actions due soon or overdue."""

    clients: list[Client] = []
    unfinished: list[UnfinishedSession] = []
    due: list[DueAction] = []
    """The most pressing of the actions due (the most overdue first), at most `due_limit`."""
    due_total: int = 0
    """How many open actions are due by the horizon in all."""


def home_view(
    store: Store, today: date, *, due_within_days: int = 7, due_limit: int = 50
) -> HomeView:
    """Four queries: clients, unfinished sessions, open actions due by TODAY + the days (how
    many there are, and the first DUE_LIMIT of them)."""
    horizon = (today + timedelta(days=due_within_days)).isoformat()
    with store.reading() as db:
        clients = _clients(db)
        unfinished = []
        for row in db.query(
            "SELECT sessions.*, clients.name AS client_name FROM sessions "
            "JOIN clients ON clients.id = sessions.client_id "
            "WHERE ended_at IS NULL ORDER BY started_at DESC, sessions.id DESC"
        ):
            name = row.pop("client_name")
            session = _session(row)
            unfinished.append(
                UnfinishedSession(session=session, client_name=name, protocol=_protocol(session))
            )
        # The count and the first DUE_LIMIT apart: both read only the index of open actions
        # due (m012); one query with count(*) OVER () sorted every action due to keep 50.
        due_where = "status = 'open' AND due_on IS NOT NULL AND due_on <= ?"
        (due_total,) = db.execute(
            f"SELECT count(*) FROM actions WHERE {due_where}", [horizon]
        ).fetchone()
        due = []
        for row in db.query(
            "SELECT actions.*, clients.name AS client_name "
            "FROM actions JOIN clients ON clients.id = actions.client_id "
            f"WHERE {due_where} ORDER BY due_on, actions.id LIMIT ?",
            [horizon, due_limit],
        ):
            name = row.pop("client_name")
            due.append(DueAction(action=Action.model_validate(row), client_name=name))
    return HomeView(clients=clients, unfinished=unfinished, due=due, due_total=due_total)


# -- a client's timeline ---------------------------------------------------------------------


class NumberedSession(View):
    session: Session
    number: int
    """Which session of its engagement (see companion.store.progress)."""


class GoalHistory(View):
    goal: Goal
    scores: list[GoalScore] = []
    """Every score given on the goal, in session order."""

    @property
    def values(self) -> list[int]:
        return [score.score for score in self.scores]


class TimelineView(View):
    """One client's coaching so far."""

    client: Client
    engagements: list[Engagement] = []
    sessions: list[NumberedSession] = []
    """Newest first."""
    goals: list[GoalHistory] = []
    open_actions: list[Action] = []

    @property
    def unfinished(self) -> Session | None:
        """The client's latest session not finished, if any."""
        return next((s.session for s in self.sessions if not s.session.is_finished), None)

    @property
    def last_finished(self) -> Session | None:
        return next((s.session for s in self.sessions if s.session.is_finished), None)


def timeline_view(store: Store, client_id: int) -> TimelineView:
    """Six queries: the client, engagements, numbered sessions, goals, scores, open actions."""
    with store.reading() as db:
        client = _client(db, client_id)
        engagements = [
            Engagement.model_validate(row)
            for row in db.query(
                "SELECT * FROM engagements WHERE client_id = ? ORDER BY start_date, id",
                [client_id],
            )
        ]
        sessions = []
        for row in db.query(
            NUMBERED.format(columns="sessions.*", client="?")
            + " ORDER BY started_at DESC, id DESC",
            [client_id],
        ):
            number = row.pop("number")
            sessions.append(NumberedSession(session=_session(row), number=number))
        goals = _goals(db, client_id)
        scores = client_scores(db, client_id)
        open_actions = _actions(db, "client_id = ? AND status = 'open'", [client_id])
    by_goal: dict[int, list[GoalScore]] = {}
    for _, score in scores:
        by_goal.setdefault(score.goal_id, []).append(score)
    return TimelineView(
        client=client,
        engagements=engagements,
        sessions=sessions,
        goals=[GoalHistory(goal=g, scores=by_goal.get(g.id or 0, [])) for g in goals],
        open_actions=open_actions,
    )


# -- one session in full ---------------------------------------------------------------------


class SessionView(View):
    """A session's record, and where it sits among the client's sessions."""

    record: SessionRecord
    numbers: dict[int, int] = {}
    """Session id -> its number in its engagement, for "followed up in session N"."""
    previous_id: int | None = None
    next_id: int | None = None


def session_view(store: Store, session_id: int) -> SessionView:
    """Eleven queries (see session_record); raises NotFound for a wrong id."""
    with store.reading() as db:
        session = _session_row(db, session_id)
        order = [
            (row[0], row[1], row[2])  # id, started_at, number; in session order
            for row in db.execute(
                "SELECT id, started_at, number FROM ("
                + NUMBERED.format(columns="id, started_at", client="?")
                + ") ORDER BY started_at, id",
                [session.client_id],
            ).fetchall()
        ]
        record = _record(db, session, order)
    ids = [row[0] for row in order]
    here = ids.index(session_id)
    return SessionView(
        record=record,
        numbers={row[0]: row[2] for row in order},
        previous_id=ids[here - 1] if here > 0 else None,
        next_id=ids[here + 1] if here + 1 < len(ids) else None,
    )


def session_record(store: Store, session_id: int) -> SessionRecord:
    """Everything stored about one session, in eleven queries. Raises NotFound for a wrong id."""
    return session_view(store, session_id).record


def _session_row(db: Database, session_id: int) -> Session:
    rows = list(db.query("SELECT * FROM sessions WHERE id = ?", [session_id]))
    if not rows:
        raise NotFound(f"no session with id {session_id}")
    return _session(rows[0])


def _record(db: Database, session: Session, order: list[tuple[int, str, int]]) -> SessionRecord:
    assert session.id is not None
    number, started = next((row[2], row[1]) for row in order if row[0] == session.id)
    notes_rows = list(db.query("SELECT * FROM notes WHERE session_id = ?", [session.id]))
    notes = Notes.model_validate(notes_rows[0]) if notes_rows else Notes(session_id=session.id)
    timings = [
        StepTiming.model_validate(row)
        for row in db.query(
            "SELECT * FROM step_timings WHERE session_id = ? ORDER BY entered_at, id", [session.id]
        )
    ]
    reviewed = _actions(
        db,
        "reviewed_session_id = ? AND (session_id IS NULL OR session_id != ?)",
        [session.id, session.id],
    )
    takeaways = [
        Takeaway.model_validate(row)
        for row in db.query(
            "SELECT * FROM takeaways WHERE session_id = ? ORDER BY id", [session.id]
        )
    ]
    return SessionRecord(
        session=session,
        client=_client(db, session.client_id),
        engagement=_engagement(db, session.engagement_id),
        protocol=_protocol(session),
        session_number=number,
        notes=notes,
        step_timings=timings,
        actions_set=_actions(db, "session_id = ?", [session.id]),
        actions_reviewed=reviewed,
        goals=progress_as_of(
            _goals(db, session.client_id),
            client_scores(db, session.client_id),
            (started, session.id),
        ),
        takeaways=takeaways,
    )


# -- the closing screen ----------------------------------------------------------------------


class ClosingView(View):
    """What the closing screen starts from."""

    session: Session
    client: Client
    session_number: int
    engagement: Engagement | None = None
    notes: str = ""
    """The session's notes, as stored: where its action lines and a rescue file start from."""
    actions: list[Action] = []
    """The actions stored for the session."""
    goals: list[GoalProgress] = []
    """The active goals to score, each as of this session."""
    action_goals: list[Goal] = []
    """Goals an action may be tied to: the active ones, and any a stored action names."""
    takeaways: list[str] = []
    markers: list[str] = []
    """The PCC markers of the steps the session went through (companion.core.markers)."""
    achieved: list[Goal] = []
    """The goals of the session's engagement achieved so far: the closing assessment."""

    @property
    def sessions_planned(self) -> int | None:
        return self.engagement.sessions_planned if self.engagement else None


def closing_view(store: Store, session_id: int) -> ClosingView:
    """Nine queries: session and number, client, engagement, notes, actions, goals, scores,
    takeaways, the steps gone through. Raises NotFound for a wrong id."""
    with store.reading() as db:
        session, number, key = _numbered_session(db, session_id)
        client = _client(db, session.client_id)
        engagement = _engagement(db, session.engagement_id)
        row = db.execute("SELECT text FROM notes WHERE session_id = ?", [session_id]).fetchone()
        actions = _actions(db, "session_id = ?", [session_id])
        goals = _goals(db, session.client_id)
        scores = client_scores(db, session.client_id)
        takeaways = [
            r[0]
            for r in db.execute(
                "SELECT text FROM takeaways WHERE session_id = ? ORDER BY id", [session_id]
            )
        ]
        visited = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT step_id FROM step_timings WHERE session_id = ?", [session_id]
            )
        ]
    protocol = _protocol(session)
    active = [goal for goal in goals if goal.status == "active"]
    linked = {action.goal_id for action in actions} - {goal.id for goal in active}
    return ClosingView(
        session=session,
        client=client,
        session_number=number,
        engagement=engagement,
        notes=row[0] if row else "",
        actions=actions,
        goals=progress_as_of(active, scores, key),
        action_goals=active + [goal for goal in goals if goal.id in linked],
        takeaways=takeaways,
        markers=protocol.markers_of(visited) if protocol is not None else [],
        achieved=[
            goal
            for goal in goals
            if goal.status == "achieved" and goal.engagement_id in (None, session.engagement_id)
        ],
    )


# -- the live screen's sidebar ---------------------------------------------------------------


class SidebarView(View):
    """What the live screen's sidebar shows."""

    session: Session
    engagement: Engagement | None
    session_number: int
    goals: list[GoalProgress] = []
    """The active goals, each as of this session (its last score: `last_score`)."""
    to_review: list[Action] = []
    """Actions from earlier sessions still open, or already followed up in this one."""
    set_today: list[Action] = []
    previous: Session | None = None
    """The client's session before this one, for its agreement."""


def sidebar_view(store: Store, session_id: int) -> SidebarView:
    """Seven queries: session and number, engagement, active goals, scores, actions to review,
    actions set, previous session. Raises NotFound for a wrong id."""
    with store.reading() as db:
        session, number, key = _numbered_session(db, session_id)
        engagement = _engagement(db, session.engagement_id)
        goals = _goals(db, session.client_id)
        scores = client_scores(db, session.client_id)
        to_review = _actions(
            db,
            "client_id = ? AND (session_id IS NULL OR session_id != ?) "
            "AND (status = 'open' OR reviewed_session_id = ?)",
            [session.client_id, session_id, session_id],
        )
        set_today = _actions(db, "session_id = ?", [session_id])
        started = session.started_at.isoformat()
        previous = [
            _session(row)
            for row in db.query(
                "SELECT * FROM sessions WHERE client_id = ? "
                "AND (started_at < ? OR (started_at = ? AND id < ?)) "
                "ORDER BY started_at DESC, id DESC LIMIT 1",
                [session.client_id, started, started, session_id],
            )
        ]
    active = [goal for goal in goals if goal.status == "active"]
    return SidebarView(
        session=session,
        engagement=engagement,
        session_number=number,
        goals=progress_as_of(active, scores, key),
        to_review=to_review,
        set_today=set_today,
        previous=previous[0] if previous else None,
    )
