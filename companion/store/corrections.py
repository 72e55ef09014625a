"""Correcting a past session: the agreement, takeaways, scores, actions and next date at once.

One transaction, so a correction is all there or not at all; the full-text index follows
through its triggers, so every correction is searchable at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import Action, Agreement, GoalScore, Session, Takeaway

from .base import _locked


@dataclass(frozen=True)
class Corrections:
    """What the coach corrected of one session (the notes are saved on their own)."""

    agreement: Agreement
    next_session_on: date | None
    takeaways: list[str] = field(default_factory=list)
    scores: dict[int, int | None] = field(default_factory=dict)
    """Goal id -> its score in this session (None: not scored there)."""
    actions: list[Action] = field(default_factory=list)
    """The session's actions as corrected (text, due date, status)."""


class SessionCorrections:
    """The store's method for correcting a session (Store inherits it)."""

    db: Database

    if TYPE_CHECKING:

        def get_session(self, session_id: int) -> Session: ...
        def save_session(self, session: Session) -> Session: ...
        def save_action(self, action: Action) -> Action: ...
        def set_goal_score(self, goal_id: int, session_id: int, score: int) -> GoalScore: ...
        def replace_takeaways(self, session_id: int, texts: Iterable[str]) -> list[Takeaway]: ...

    @_locked
    def clear_goal_score(self, goal_id: int, session_id: int) -> None:
        """The goal was not scored in this session after all."""
        self.db.execute(
            "DELETE FROM goal_scores WHERE goal_id = ? AND session_id = ?", [goal_id, session_id]
        )

    @_locked
    def correct_session(self, session_id: int, corrections: Corrections) -> Session:
        """Write CORRECTIONS to the session, all of them or none (NotFound for a wrong id)."""
        with self.db.atomic():
            session = self.get_session(session_id)
            session = self.save_session(
                session.model_copy(
                    update={
                        "agreement": corrections.agreement,
                        "next_session_on": corrections.next_session_on,
                    }
                )
            )
            self.replace_takeaways(session_id, corrections.takeaways)
            for goal_id, score in corrections.scores.items():
                if score is None:
                    self.clear_goal_score(goal_id, session_id)
                else:
                    self.set_goal_score(goal_id, session_id, score)
            for action in corrections.actions:
                self.save_action(action)
        return session
