"""A fictional coaching practice, for a first look at the review and for benchmarks.

Every person and company here is invented; contacts use example.org and the UK's range of phone
numbers kept for drama (020 7946 0xxx). The same seed on the same day gives the same practice:
dates are laid out backwards from today, so that actions can be open, due soon and overdue.

What a practice holds: one engagement per client (paid or pro bono, individual or group, some
three-party with a sponsor), SMARTE goals scored over the sessions (rising, with noise), sessions
following the built-in protocols (a first session, regular GROW / life-purpose / check-in ones,
reviews, a closing one for engagements that ended), step timings, notes with step headings and
the three markers, agreements, actions done, dropped, open and overdue (a few of them the
sponsor's, taken on at the first session or a review of a three-party engagement), and takeaways.
Some older clients' engagements have ended (closed, with an end date on the last session). The last
session of the first client is left unfinished, as if the coach had quit mid-session: the home
screen offers to resume it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel

from companion.core import terms
from companion.core.models import Client, Engagement
from companion.core.protocols import ProtocolLibrary
from companion.services.demo_cast import Cast, ClientPlan
from companion.services.demo_draft import Draft
from companion.services.demo_outcomes import Outcomes
from companion.services.demo_sessions import Sessions
from companion.store import Store, StoreError
from companion.store.bulk import Batch, insert_batch, next_ids


def default_clients(sessions: int) -> int:
    """About ten sessions per client (a typical engagement), at least eight clients."""
    return max(8, round(sessions / 10))


class DemoRefused(StoreError):
    """The database already holds a practice: fictional clients must not mix with real ones."""


class DemoSummary(BaseModel):
    clients: int
    engagements: int
    sessions: int
    unfinished: int
    goals: int
    goal_scores: int
    actions: int
    open_actions: int
    overdue_actions: int
    takeaways: int
    step_timings: int


# -- generation ----------------------------------------------------------------------------------


class _Generator:
    """Turns the cast's plans into records: each client and their engagement, then the rest."""

    def __init__(
        self, protocols: ProtocolLibrary, seed: int, today: date, ids: dict[str, int]
    ) -> None:
        self.draft = Draft(protocols, seed, today, ids)
        self.rng = self.draft.rng
        self.today = today
        self.ids = self.draft.ids
        self.batch = self.draft.batch
        self.cast = Cast(self.rng, self.draft.content, today)
        self.outcomes = Outcomes(self.draft)
        self.sessions = Sessions(self.draft, self.outcomes)

    def client(self, plan: ClientPlan) -> None:
        """The client of PLAN, their engagement, goals and sessions."""
        rng, batch = self.rng, self.batch
        plan.dates = self.cast.dates(plan) if plan.sessions else []
        start = plan.dates[0] if plan.dates else self.today
        client = Client(
            id=self.ids.take("clients"),
            name=plan.name,
            contact=plan.contact,
            created_at=datetime.combine(start - timedelta(days=rng.randint(3, 20)), time(12)),
        )
        batch.clients.append(client)
        sponsor_name, sponsor_role = plan.sponsor or ("", "")
        engagement = Engagement(
            id=self.ids.take("engagements"),
            client_id=client.id,  # type: ignore[arg-type]
            sponsor_name=sponsor_name,
            sponsor_role=sponsor_role,
            start_date=start,
            end_date=plan.dates[-1] if plan.closed and plan.dates else None,
            sessions_planned=max(plan.sessions, 6 + 2 * rng.randint(0, 3), 1),
            confidentiality=(
                "Session content stays between coach and coachee; the sponsor hears progress "
                "on the goals at the three-party reviews."
                if plan.sponsor
                else "Everything said in sessions stays between coach and client."
            ),
            billing=plan.billing,  # type: ignore[arg-type]
            format=plan.format,  # type: ignore[arg-type]
            group_size=plan.group_size,
            objective=plan.theme.objective,
            status="closed" if plan.closed else "open",
        )
        batch.engagements.append(engagement)
        goals = self.outcomes.goals(plan, client, engagement, start)
        self.sessions.make(plan, client, engagement, goals)


def build_practice(
    protocols: ProtocolLibrary,
    *,
    clients: int,
    sessions: int,
    seed: int = 1,
    today: date | None = None,
    first_ids: dict[str, int] | None = None,
) -> Batch:
    """The records of a fictional practice, ids set from FIRST_IDS (1 for an empty database)."""
    if clients < 1:
        raise ValueError("a demo practice needs at least one client")
    ids = first_ids or {table: 1 for table in _TABLES_WITH_IDS}
    generator = _Generator(protocols, seed, today or terms.today(), ids)
    for plan in generator.cast.plans(clients, sessions):
        generator.client(plan)
    return generator.batch


_TABLES_WITH_IDS = (
    "clients",
    "engagements",
    "goals",
    "sessions",
    "step_timings",
    "actions",
    "goal_scores",
    "takeaways",
)


def summarize(batch: Batch, today: date) -> DemoSummary:
    return DemoSummary(
        clients=len(batch.clients),
        engagements=len(batch.engagements),
        sessions=len(batch.sessions),
        unfinished=sum(1 for s in batch.sessions if s.ended_at is None),
        goals=len(batch.goals),
        goal_scores=len(batch.goal_scores),
        actions=len(batch.actions),
        open_actions=sum(1 for a in batch.actions if a.status == "open"),
        overdue_actions=sum(1 for a in batch.actions if a.is_overdue(today)),
        takeaways=len(batch.takeaways),
        step_timings=len(batch.step_timings),
    )


def fill_demo(
    store: Store,
    protocols: ProtocolLibrary,
    *,
    clients: int,
    sessions: int,
    seed: int = 1,
    today: date | None = None,
) -> DemoSummary:
    """Fill an EMPTY practice database with a fictional practice, in one transaction."""
    existing = store.client_count()
    if existing:
        where = f" {store.path}" if store.path else ""
        raise DemoRefused(
            f"the database{where} already holds {existing} client"
            f"{'' if existing == 1 else 's'}: the demo only fills an empty one, so fictional "
            "clients never mix with real ones (use --db NEW.db)"
        )
    day = today or terms.today()
    batch = build_practice(
        protocols,
        clients=clients,
        sessions=sessions,
        seed=seed,
        today=day,
        first_ids=next_ids(store),
    )
    insert_batch(store, batch)
    return summarize(batch, day)
