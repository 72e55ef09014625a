"""What `companion calendar` needs, in two queries (see companion.core.calendar)."""

from __future__ import annotations

from companion.core.calendar import CalendarPlan, OpenAction, PlannedSession, for_calendar

from .store import Store

# Each client's latest finished session, when it planned a next date that no session has reached
# yet (a session started on that day or later means the planned one took place, or another did).
_PLANNED = """
SELECT sessions.id AS session_id, clients.name AS client_name,
       sessions.next_session_on AS "on", sessions.ended_at AS planned_at
FROM sessions
JOIN clients ON clients.id = sessions.client_id
WHERE sessions.ended_at IS NOT NULL AND sessions.next_session_on IS NOT NULL
  AND sessions.id = (
      SELECT latest.id FROM sessions AS latest
      WHERE latest.client_id = sessions.client_id AND latest.ended_at IS NOT NULL
      ORDER BY latest.started_at DESC, latest.id DESC LIMIT 1)
  AND NOT EXISTS (
      SELECT 1 FROM sessions AS later
      WHERE later.client_id = sessions.client_id
        AND date(later.started_at) >= sessions.next_session_on)
ORDER BY sessions.next_session_on, clients.name COLLATE NOCASE
"""

_ACTIONS = """
SELECT actions.id AS action_id, clients.name AS client_name, actions.text AS text,
       actions.owner AS owner, actions.due_on AS due_on, actions.created_at AS created_at
FROM actions
JOIN clients ON clients.id = actions.client_id
WHERE actions.status = 'open'
ORDER BY actions.due_on IS NULL, actions.due_on, actions.id
"""


def calendar_plan(store: Store) -> CalendarPlan:
    """The planned next sessions and the open actions, private actions left out."""
    with store.reading() as db:
        planned = [PlannedSession.model_validate(row) for row in db.query(_PLANNED)]
        actions = [OpenAction.model_validate(row) for row in db.query(_ACTIONS)]
    return for_calendar(planned, actions)
