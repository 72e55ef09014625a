"""The finished sessions the credential counts, in one query (see companion.core.credential)."""

from __future__ import annotations

from companion.core.credential import CountedSession

from .store import Store

# Each finished session's exact time, as companion log sums it (the stored time in session; end
# minus start only for a session stored without one), with what decides whether ICF counts it.
_SQL = """
SELECT sessions.client_id AS client_id, date(sessions.started_at) AS day,
       coalesce(sessions.duration_seconds,
                max(0, CAST(round((julianday(sessions.ended_at)
                                   - julianday(sessions.started_at)) * 86400) AS INTEGER)))
           AS seconds,
       coalesce(engagements.billing, 'paid') = 'paid' AS paid,
       coalesce(engagements.log_consent, 1) AS log_consent,
       CASE WHEN engagements.format = 'group' THEN engagements.group_size END AS group_size
FROM sessions
LEFT JOIN engagements ON engagements.id = sessions.engagement_id
WHERE sessions.ended_at IS NOT NULL
ORDER BY sessions.started_at
"""


def counted_sessions(store: Store) -> list[CountedSession]:
    """Every finished session with its client, day, seconds, billing, consent and group size."""
    with store.reading() as db:
        return [CountedSession.model_validate(row) for row in db.query(_SQL)]
