"""Actions and goals across the whole practice, with whose they are: for `actions` and `goals`."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from companion.core.models import Action, ActionStatus, Goal, GoalScore

from .store import Store


class ActionLine(BaseModel):
    """An action with the client's name and the session that set it."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    action: Action
    client_name: str
    session_started_at: datetime | None = None


class GoalLine(BaseModel):
    """A goal with the client's name and every score given on it, in session order."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    goal: Goal
    client_name: str
    scores: list[GoalScore]

    @property
    def last_score(self) -> int | None:
        return self.scores[-1].score if self.scores else None


def _client_names(store: Store) -> dict[int, str]:
    return {client.id: client.name for client in store.clients() if client.id is not None}


def action_lines(
    store: Store,
    *,
    client_id: int | None = None,
    status: ActionStatus | None = None,
    overdue_on: date | None = None,
) -> list[ActionLine]:
    """Actions by due date (undated last), each with its client and the session that set it."""
    with store.reading() as db:
        found = store.actions(client_id, status=status, overdue_on=overdue_on)
        names = _client_names(store)
        session_ids = sorted({a.session_id for a in found if a.session_id is not None})
        started: dict[int, datetime] = {}
        for start in range(0, len(session_ids), 500):  # stay under SQLite's variable limit
            chunk = session_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in db.execute(
                f"SELECT id, started_at FROM sessions WHERE id IN ({marks})", chunk
            ):
                started[row[0]] = datetime.fromisoformat(row[1])
    return [
        ActionLine(
            action=action,
            client_name=names.get(action.client_id, ""),
            session_started_at=started.get(action.session_id) if action.session_id else None,
        )
        for action in found
    ]


def goal_lines(store: Store, *, client_id: int | None = None) -> list[GoalLine]:
    """Goals by client name then age, each with its score history."""
    with store.reading():
        goals = store.goals(client_id)
        names = _client_names(store)
        scores: dict[int, list[GoalScore]] = {}
        for score in store.goal_scores():  # one query, in session order
            scores.setdefault(score.goal_id, []).append(score)
    lines = [
        GoalLine(
            goal=goal,
            client_name=names.get(goal.client_id, ""),
            scores=scores.get(goal.id, []) if goal.id is not None else [],
        )
        for goal in goals
    ]
    return sorted(lines, key=lambda line: (line.client_name.casefold(), line.goal.id or 0))
