"""The coaching-hours log from the recorded sessions, in one query (see companion.core.hours)."""

from __future__ import annotations

from datetime import date
from typing import Any

from companion.core.hours import EngagementHours, HoursLog, split_log

from .store import Store

# Exact seconds per session (its stored time in session: the periods it was open, or the coach's
# correction; end minus start only for a session stored without one), summed per engagement.
# Only finished sessions count: a session never ended has no duration to claim. A session is in
# the period by the day it started.
_SQL = """
SELECT clients.id AS client_id, clients.name AS client_name, clients.contact AS contact,
       engagements.id AS engagement_id,
       coalesce(engagements.format, 'individual') AS format,
       engagements.group_size AS group_size,
       coalesce(engagements.billing, 'paid') AS billing,
       coalesce(engagements.sponsor_name, '') AS sponsor_name,
       coalesce(engagements.log_consent, 1) AS log_consent,
       date(min(sessions.started_at)) AS start_date,
       date(max(sessions.started_at)) AS end_date,
       count(*) AS sessions,
       sum(coalesce(sessions.duration_seconds,
                    max(0, CAST(round((julianday(sessions.ended_at)
                                       - julianday(sessions.started_at)) * 86400) AS INTEGER))))
           AS seconds
FROM sessions
JOIN clients ON clients.id = sessions.client_id
LEFT JOIN engagements ON engagements.id = sessions.engagement_id
WHERE sessions.ended_at IS NOT NULL {where}
GROUP BY clients.id, engagements.id
ORDER BY clients.name COLLATE NOCASE, min(sessions.started_at), engagements.id
"""


def hours_log(store: Store, *, since: date | None = None, until: date | None = None) -> HoursLog:
    """One row per client engagement with finished sessions between SINCE and UNTIL (inclusive).

    Sessions recorded outside any engagement form their own row, counted as individual, paid
    coaching (what an engagement is by default). Engagements ICF does not let the log hold (no
    consent to be named, a group over 15) are set apart in the log (see split_log).
    """
    clauses: list[str] = []
    args: dict[str, Any] = {}
    if since is not None:
        clauses.append("AND sessions.started_at >= :since")
        args["since"] = since.isoformat()
    if until is not None:
        clauses.append("AND sessions.started_at < date(:until, '+1 day')")
        args["until"] = until.isoformat()
    with store.reading() as db:
        rows = list(db.query(_SQL.format(where=" ".join(clauses)), args))
    return split_log(
        [EngagementHours.model_validate(row) for row in rows], since=since, until=until
    )
