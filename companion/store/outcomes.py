"""What sessions leave behind: actions, goal scores and takeaways.

Store inherits these; each write is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from companion.core.models import (
    Action,
    ActionStatus,
    GoalScore,
    Session,
    Takeaway,
    now,
)

from .base import _locked
from .rows import (
    constraint_refusals,
    goal_score_from_row,
    record_row,
    where_given,
)

if TYPE_CHECKING:
    from .store import Store


class Outcomes:
    """Actions, goal scores and takeaways (Store inherits them)."""

    db: Database

    # -- actions -----------------------------------------------------------------------------

    @_locked
    def add_action(self: Store, action: Action) -> Action:
        return action.model_copy(update={"id": self._insert("actions", record_row(action))})

    @_locked
    def get_action(self: Store, action_id: int) -> Action:
        return self._get("actions", action_id, Action, "action")

    @_locked
    def save_action(self: Store, action: Action) -> Action:
        if action.id is None:
            return self.add_action(action)
        self._update("actions", action.id, record_row(action), "action")
        return action

    @_locked
    def set_action_status(
        self: Store,
        action_id: int,
        status: ActionStatus,
        *,
        reviewed_in: int | None = None,
        due_on: date | None = None,
    ) -> Action:
        """Follow an action up: done, dropped, or still open (carried forward, maybe re-dated)."""
        action = self.get_action(action_id)
        update: dict[str, Any] = {
            "status": status,
            "closed_at": None if status == "open" else (action.closed_at or now()),
        }
        if reviewed_in is not None:
            update["reviewed_session_id"] = reviewed_in
        if due_on is not None:
            update["due_on"] = due_on
        return self.save_action(action.model_copy(update=update))

    @_locked
    def actions(
        self: Store,
        client_id: int | None = None,
        *,
        session_id: int | None = None,
        status: ActionStatus | None = None,
        overdue_on: date | None = None,
    ) -> list[Action]:
        """Actions by due date, undated last; overdue_on keeps the open ones due before that day."""
        where, args = where_given(
            ("client_id = ?", client_id),
            ("session_id = ?", session_id),
            ("status = ?", status),
            ("status = 'open' AND due_on IS NOT NULL AND due_on < ?", overdue_on),
        )
        return self._where("actions", Action, where, args, order_by="due_on IS NULL, due_on, id")

    @_locked
    def actions_to_review(self: Store, session: Session) -> list[Action]:
        """Actions from earlier sessions still open, or already followed up in this one."""
        return self._where(
            "actions",
            Action,
            "client_id = ? AND (session_id IS NULL OR session_id != ?) "
            "AND (status = 'open' OR reviewed_session_id = ?)",
            [session.client_id, session.id, session.id],
            order_by="due_on IS NULL, due_on, id",
        )

    # -- goal scores -------------------------------------------------------------------------

    @_locked
    def set_goal_score(self: Store, goal_id: int, session_id: int, score: int) -> GoalScore:
        record = GoalScore(goal_id=goal_id, session_id=session_id, score=score)
        with self.db.atomic(), constraint_refusals("goal score"):
            self.db.execute(
                "INSERT INTO goal_scores (goal_id, session_id, score, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (goal_id, session_id) "
                "DO UPDATE SET score = excluded.score",
                [goal_id, session_id, score, record.created_at.isoformat()],
            )
            row = self.db.execute(
                "SELECT id, goal_id, session_id, score, created_at FROM goal_scores "
                "WHERE goal_id = ? AND session_id = ?",
                [goal_id, session_id],
            ).fetchone()
        return goal_score_from_row(row)

    @_locked
    def goal_scores(
        self: Store, *, goal_id: int | None = None, session_id: int | None = None
    ) -> list[GoalScore]:
        """Scores in the order of the sessions they were given in."""
        where, args = where_given(
            ("goal_scores.goal_id = ?", goal_id), ("goal_scores.session_id = ?", session_id)
        )
        rows = self.db.query(
            "SELECT goal_scores.* FROM goal_scores "
            "JOIN sessions ON sessions.id = goal_scores.session_id "
            f"WHERE {where or '1'} ORDER BY sessions.started_at, goal_scores.id",
            args,
        )
        return [GoalScore.model_validate(row) for row in rows]

    @_locked
    def last_score(self: Store, goal_id: int) -> GoalScore | None:
        scores = self.goal_scores(goal_id=goal_id)
        return scores[-1] if scores else None

    # -- takeaways ---------------------------------------------------------------------------

    @_locked
    def add_takeaway(self: Store, takeaway: Takeaway) -> Takeaway:
        return takeaway.model_copy(update={"id": self._insert("takeaways", record_row(takeaway))})

    @_locked
    def takeaways(self: Store, session_id: int) -> list[Takeaway]:
        return self._where("takeaways", Takeaway, "session_id = ?", [session_id], order_by="id")

    @_locked
    def replace_takeaways(self: Store, session_id: int, texts: Iterable[str]) -> list[Takeaway]:
        with self.db.atomic():
            self.db.execute("DELETE FROM takeaways WHERE session_id = ?", [session_id])
            return [
                self.add_takeaway(Takeaway(session_id=session_id, text=text))
                for text in texts
                if text.strip()
            ]
