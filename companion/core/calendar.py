"""What goes into the coach's calendar: next sessions and open actions, pure, no I/O.

Only what a calendar needs and nothing more: the client's first name (a calendar syncs to phones
and servers), the planned day, an action's words and due date. Never the notes, never a private
`//` item. Turned into iCalendar by companion.services.calendar.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from companion.core.models import ActionOwner
from companion.core.notes import is_private
from companion.core.recap import first_name

UID_DOMAIN = "companion.local"


class CalendarItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedSession(CalendarItem):
    """The next session a finished session planned (the date set on the closing screen)."""

    session_id: int = Field(description="The session that planned it: the item's stable id.")
    client_name: str
    on: date
    planned_at: datetime = Field(description="When the planning session ended.")

    @property
    def uid(self) -> str:
        return f"next-session-{self.session_id}@{UID_DOMAIN}"

    @property
    def summary(self) -> str:
        name = calendar_name(self.client_name)
        return f"Coaching session with {name}" if name else "Coaching session"


class OpenAction(CalendarItem):
    """An open action, as a to-do due on its date."""

    action_id: int
    client_name: str
    text: str
    owner: ActionOwner = "coachee"
    due_on: date | None = None
    created_at: datetime

    @property
    def uid(self) -> str:
        return f"action-{self.action_id}@{UID_DOMAIN}"

    @property
    def summary(self) -> str:
        name = calendar_name(self.client_name) or "a client"
        if self.owner == "coach":
            return f"For {name}: {self.text}"
        return f"{name}: {self.text}"


class CalendarPlan(BaseModel):
    """Everything `companion calendar` writes: upcoming sessions and open actions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sessions: list[PlannedSession] = Field(default_factory=list)
    actions: list[OpenAction] = Field(default_factory=list)


def calendar_name(name: str) -> str:
    """The client's first name, or nothing for a name the coach keeps private (`// ...`)."""
    return "" if is_private(name) else first_name(name.strip())


def for_calendar(sessions: list[PlannedSession], actions: list[OpenAction]) -> CalendarPlan:
    """The plan, without the actions the coach keeps private."""
    return CalendarPlan(
        sessions=sessions, actions=[action for action in actions if not is_private(action.text)]
    )
