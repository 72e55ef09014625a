"""The one session number and the one goal progress, as every view and the store count them.

Session order, everywhere: by start time, two started in one second by id. A session's number is
its place in that order among its engagement's sessions (the client's sessions without one
count as one engagement of their own). A goal's progress as of a session: the score given in it,
the latest score given before it, and "last score": the latest as of that session (its own, else
the one before); never a score from a later session.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from companion.core.models import Goal, GoalProgress, GoalScore

NUMBERED = """
    SELECT {columns}, ROW_NUMBER() OVER (
        PARTITION BY client_id, engagement_id ORDER BY started_at, id
    ) AS number
    FROM sessions WHERE client_id = {client}
"""
"""Every session of one client with its number as `number`: {columns} the columns wanted,
{client} an SQL expression for the client's id."""

SessionKey = tuple[str, int]
"""Where a session sits in session order: its start time as stored, then its id."""


def session_number(db: Database, session_id: int) -> int:
    """Which session of its engagement session SESSION_ID is (1 for the first); 0 if none."""
    row = db.execute(
        "SELECT number FROM ("
        + NUMBERED.format(columns="id", client="(SELECT client_id FROM sessions WHERE id = :id)")
        + ") WHERE id = :id",
        {"id": session_id},
    ).fetchone()
    return int(row[0]) if row else 0


def client_scores(db: Database, client_id: int) -> list[tuple[SessionKey, GoalScore]]:
    """Every score given on the client's goals, in session order, each with its session's key:
    one query whatever the number of goals and sessions."""
    rows = db.query(
        "SELECT goal_scores.*, sessions.started_at AS session_started_at FROM goal_scores "
        "JOIN sessions ON sessions.id = goal_scores.session_id "
        "JOIN goals ON goals.id = goal_scores.goal_id "
        "WHERE goals.client_id = ? ORDER BY sessions.started_at, sessions.id",
        [client_id],
    )
    found = []
    for row in rows:
        started = row.pop("session_started_at")
        found.append(((started, row["session_id"]), GoalScore.model_validate(row)))
    return found


def progress_as_of(
    goals: Iterable[Goal], scores: list[tuple[SessionKey, GoalScore]], here: SessionKey
) -> list[GoalProgress]:
    """Each goal as it stood in the session at HERE (see the module's definitions)."""
    by_goal: dict[int, list[tuple[SessionKey, GoalScore]]] = {}
    for key, score in scores:
        by_goal.setdefault(score.goal_id, []).append((key, score))
    found = []
    for goal in goals:
        history = by_goal.get(goal.id, []) if goal.id is not None else []
        mine = next((s.score for key, s in history if key[1] == here[1]), None)
        before = [s.score for key, s in history if key < here and key[1] != here[1]]
        previous = before[-1] if before else None
        found.append(
            GoalProgress(
                goal=goal,
                score=mine,
                previous_score=previous,
                last_score=mine if mine is not None else previous,
                scores=[s for _, s in history],
            )
        )
    return found
