"""The practice's people: clients, their engagements (the coaching contracts) and their goals.

Store inherits these; each write is one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import (
    Client,
    Engagement,
    Goal,
    GoalStatus,
)

from .base import NotFound, StoreError, _locked
from .rows import (
    record_row,
)

if TYPE_CHECKING:
    from .store import Store


class People:
    """Clients, engagements and goals, read and written (Store inherits them)."""

    db: Database

    # -- clients -----------------------------------------------------------------------------

    @_locked
    def add_client(self: Store, client: Client) -> Client:
        self._check_name_free(client)
        return client.model_copy(update={"id": self._insert("clients", record_row(client))})

    def _check_name_free(self: Store, client: Client) -> None:
        existing = self.find_client(client.name)
        if existing is not None and existing.id != client.id:
            raise StoreError(
                f"there is already a client called {existing.name!r} (names are unique, "
                "ignoring case): choose another name, e.g. with a surname or initial"
            )

    @_locked
    def get_client(self: Store, client_id: int) -> Client:
        return self._get("clients", client_id, Client, "client")

    @_locked
    def find_client(self: Store, name: str) -> Client | None:
        """The client with this name, ignoring case and surrounding spaces."""
        rows = self._where("clients", Client, "name = ? COLLATE NOCASE", [name.strip()])
        return rows[0] if rows else None

    @_locked
    def client_named(self: Store, name: str) -> Client:
        """The client called NAME; NotFound names the first clients there are, so a mistyped
        name on the command line or in `review --client` can be corrected from the message."""
        client = self.find_client(name)
        if client is None:
            names = ", ".join(c.name for c in self.clients()[:8]) or "none yet"
            raise NotFound(f"no client called {name!r} (clients: {names})")
        return client

    @_locked
    def get_or_create_client(self: Store, name: str) -> tuple[Client, bool]:
        """The client called NAME, and whether they were created just now."""
        existing = self.find_client(name)
        if existing is not None:
            return existing, False
        return self.add_client(Client(name=name)), True

    @_locked
    def clients(self: Store) -> list[Client]:
        return self._where("clients", Client, order_by="name COLLATE NOCASE")

    @_locked
    def client_count(self: Store) -> int:
        """How many clients the practice holds (without reading them)."""
        return int(self.db.execute("SELECT count(*) FROM clients").fetchone()[0])

    @_locked
    def save_client(self: Store, client: Client) -> Client:
        self._check_name_free(client)
        self._update("clients", client.id, record_row(client), "client")
        return client

    @_locked
    def delete_client(self: Store, client_id: int) -> None:
        """Forget a client and everything recorded about them (engagements, sessions, notes...)."""
        self.get_client(client_id)  # NotFound for a wrong id
        with self.db.atomic():
            self.db.execute("DELETE FROM clients WHERE id = ?", [client_id])

    # -- engagements -------------------------------------------------------------------------

    @_locked
    def add_engagement(self: Store, engagement: Engagement) -> Engagement:
        return engagement.model_copy(
            update={"id": self._insert("engagements", record_row(engagement))}
        )

    @_locked
    def get_engagement(self: Store, engagement_id: int) -> Engagement:
        return self._get("engagements", engagement_id, Engagement, "engagement")

    @_locked
    def save_engagement(self: Store, engagement: Engagement) -> Engagement:
        self._update("engagements", engagement.id, record_row(engagement), "engagement")
        return engagement

    @_locked
    def engagements(self: Store, client_id: int) -> list[Engagement]:
        return self._where(
            "engagements", Engagement, "client_id = ?", [client_id], order_by="start_date, id"
        )

    @_locked
    def open_engagement(self: Store, client_id: int) -> Engagement | None:
        rows = self._where(
            "engagements",
            Engagement,
            "client_id = ? AND status = 'open'",
            [client_id],
            order_by="start_date DESC, id DESC",
        )
        return rows[0] if rows else None

    @_locked
    def ensure_open_engagement(self: Store, client_id: int) -> Engagement:
        """The client's open coaching contract, started today if they have none."""
        return self.open_engagement(client_id) or self.add_engagement(
            Engagement(client_id=client_id)
        )

    # -- goals -------------------------------------------------------------------------------

    @_locked
    def add_goal(self: Store, goal: Goal) -> Goal:
        return goal.model_copy(update={"id": self._insert("goals", record_row(goal))})

    @_locked
    def get_goal(self: Store, goal_id: int) -> Goal:
        return self._get("goals", goal_id, Goal, "goal")

    @_locked
    def save_goal(self: Store, goal: Goal) -> Goal:
        if goal.id is None:
            return self.add_goal(goal)
        self._update("goals", goal.id, record_row(goal), "goal")
        return goal

    @_locked
    def goals(
        self: Store, client_id: int | None = None, *, status: GoalStatus | None = None
    ) -> list[Goal]:
        clauses, args = [], []
        if client_id is not None:
            clauses.append("client_id = ?")
            args.append(client_id)
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        return self._where("goals", Goal, " AND ".join(clauses) or None, args, order_by="id")
