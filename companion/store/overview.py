"""The practice at a glance: one row per client for the review browser, in one query."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from companion.core import terms
from companion.core.models import Client

from .store import Store


class ClientOverview(BaseModel):
    """A client and the counts the review's client list shows beside their name."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    client: Client
    sessions: int
    last_session_at: datetime | None
    open_actions: int
    overdue_actions: int


def client_overviews(store: Store, *, today: date | None = None) -> list[ClientOverview]:
    """Every client by name, with their session count, last session and open/overdue actions."""
    on = (today or terms.today()).isoformat()
    with store.reading() as db:
        rows = db.query(
            """
            SELECT clients.*,
                (SELECT count(*) FROM sessions WHERE sessions.client_id = clients.id)
                    AS n_sessions,
                (SELECT max(started_at) FROM sessions WHERE sessions.client_id = clients.id)
                    AS last_at,
                (SELECT count(*) FROM actions
                    WHERE actions.client_id = clients.id AND status = 'open') AS n_open,
                (SELECT count(*) FROM actions
                    WHERE actions.client_id = clients.id AND status = 'open'
                    AND due_on IS NOT NULL AND due_on < :on) AS n_overdue
            FROM clients ORDER BY name COLLATE NOCASE
            """,
            {"on": on},
        )
        found = []
        for row in rows:
            counts = {key: row.pop(key) for key in ("n_sessions", "last_at", "n_open", "n_overdue")}
            found.append(
                ClientOverview(
                    client=Client.model_validate(row),
                    sessions=counts["n_sessions"],
                    last_session_at=counts["last_at"],
                    open_actions=counts["n_open"],
                    overdue_actions=counts["n_overdue"],
                )
            )
        return found
