"""The engagement and its goals through their life: a contract that ends, goals that are
achieved, adjusted (the new version linked to the old) or dropped, each on a day.

Store inherits these; each write is one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import Engagement, Goal, GoalStatus
from companion.core.terms import today

from .base import StoreError, _locked

if TYPE_CHECKING:
    from .store import Store


class Lifecycle:
    """Closing engagements and moving goals through their statuses (Store inherits them)."""

    db: Database

    @_locked
    def close_engagement(self: Store, engagement_id: int, on: date | None = None) -> Engagement:
        """End the contract ON that day (today by default); a closed one keeps its first end."""
        engagement = self.get_engagement(engagement_id)
        end = on or today()
        if end < engagement.start_date:
            raise StoreError(
                f"the engagement started on {engagement.start_date}: it cannot end before that "
                f"({end})"
            )
        if engagement.status == "closed" and engagement.end_date is not None and on is None:
            return engagement
        closed = engagement.model_copy(update={"status": "closed", "end_date": end})
        return self.save_engagement(Engagement.model_validate(closed.model_dump()))

    @_locked
    def reopen_engagement(self: Store, engagement_id: int) -> Engagement:
        """Take a closed contract up again (its end date forgotten): sessions go on counting."""
        engagement = self.get_engagement(engagement_id)
        return self.save_engagement(
            engagement.model_copy(update={"status": "open", "end_date": None})
        )

    @_locked
    def latest_engagement(self: Store, client_id: int) -> Engagement | None:
        """The client's most recent contract, open or closed."""
        found = self.engagements(client_id)
        return found[-1] if found else None

    @_locked
    def set_goal_status(
        self: Store, goal_id: int, status: GoalStatus, on: date | None = None
    ) -> Goal:
        """Mark a goal achieved, adjusted or dropped ON a day (today by default), or active
        again (its day forgotten)."""
        goal = self.get_goal(goal_id)
        if status == "active":
            day = None
        elif status == goal.status and on is None:  # said again: it keeps its day
            day = goal.status_on or today()
        else:
            day = on or today()
        return self.save_goal(goal.model_copy(update={"status": status, "status_on": day}))

    @_locked
    def adjust_goal(self: Store, goal_id: int, adjusted: Goal, on: date | None = None) -> Goal:
        """Replace goal GOAL_ID by its ADJUSTED version, in one transaction: the old one marked
        adjusted on that day, the new one active and linked to it. Returns the new goal."""
        old = self.get_goal(goal_id)
        day = on or today()
        with self.db.atomic():
            self.save_goal(old.model_copy(update={"status": "adjusted", "status_on": day}))
            fresh = Goal.model_validate(
                adjusted.model_dump(exclude={"id", "created_at", "status", "status_on"})
                | {
                    "client_id": old.client_id,
                    "engagement_id": adjusted.engagement_id or old.engagement_id,
                    "adjusted_from": old.id,
                }
            )
            return self.add_goal(fresh)
