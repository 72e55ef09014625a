"""A fictional coaching practice, for a first look at the review and for benchmarks.

Every person and company here is invented; contacts use example.org and the UK's range of phone
numbers kept for drama (020 7946 0xxx). The same seed on the same day gives the same practice:
dates are laid out backwards from today, so that actions can be open, due soon and overdue.

What a practice holds: one engagement per client (paid or pro bono, individual or group, some
three-party with a sponsor), SMARTE goals scored over the sessions (rising, with noise), sessions
following the built-in protocols (a first session, regular GROW / life-purpose / check-in ones,
reviews, a closing one for engagements that ended), step timings, notes with step headings and
the three markers, agreements, actions done, dropped, open and overdue, and takeaways. The last
session of the first client is left unfinished, as if the coach had quit mid-session: the home
screen offers to resume it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel

from companion.core import terms
from companion.core.models import (
    Action,
    ActionOwner,
    ActionStatus,
    Agreement,
    Client,
    Engagement,
    Goal,
    GoalScore,
    GoalStatus,
    Notes,
    Session,
    SessionMode,
    Takeaway,
)
from companion.core.protocols import Protocol, ProtocolLibrary
from companion.services.demo_cast import Cast, ClientPlan
from companion.services.demo_content import demo_content
from companion.services.demo_steps import session_notes, step_timings
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


@dataclass
class _Ids:
    """The next id of each table, handed out as records are made."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class _Generator:
    def __init__(
        self, protocols: ProtocolLibrary, seed: int, today: date, ids: dict[str, int]
    ) -> None:
        self.rng = random.Random(seed)
        self.content = demo_content()
        self.today = today
        self.ids = _Ids(dict(ids))
        self.batch = Batch()
        self.protocols = {
            pid: protocols.get(pid)
            for pid in ("first", "grow", "life-purpose", "check-in", "review", "closing")
            if pid in protocols.entries
        }
        if not self.protocols:
            self.protocols = {entry.protocol.id: entry.protocol for entry in protocols}
        self.snapshots = {pid: p.model_dump_json() for pid, p in self.protocols.items()}
        self.cast = Cast(self.rng, self.content, today)

    # -- one client ------------------------------------------------------------------------

    def client(self, plan: ClientPlan) -> None:
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
        goals = self._goals(plan, client, engagement, start)
        self._sessions(plan, client, engagement, goals)

    def _goals(
        self, plan: ClientPlan, client: Client, engagement: Engagement, start: date
    ) -> list[tuple[Goal, int, int]]:
        """The client's goals, each with the score it starts from and the one it heads for."""
        rng = self.rng
        count = 2 if plan.index == 0 else rng.choice((1, 1, 2, 2, 3))
        found = []
        templates = list(plan.theme.goals)
        rng.shuffle(templates)
        for n in range(count):
            idea = templates[n % len(templates)]
            specific = idea.specific
            if n >= len(templates):
                specific = f"{specific} (second round)"
            status: GoalStatus = "active"
            if plan.closed:
                status = rng.choice(("achieved", "achieved", "achieved", "adjusted"))
            elif n == 2:
                status = rng.choice(("active", "adjusted", "dropped"))
            goal = Goal(
                id=self.ids.take("goals"),
                client_id=client.id,  # type: ignore[arg-type]
                engagement_id=engagement.id,
                specific=specific,
                measurable=idea.measurable,
                achievable=idea.achievable,
                realistic=idea.realistic,
                timely=start + timedelta(days=rng.choice((90, 120, 150, 180))),
                ecological=idea.ecological,
                status=status,
                created_at=datetime.combine(start, time(10)),
            )
            self.batch.goals.append(goal)
            found.append((goal, rng.randint(1, 4), rng.randint(7, 10)))
        return found

    def _protocol_for(self, plan: ClientPlan, number: int) -> Protocol:
        """First session first, a review every fifth, closing last for an ended engagement."""
        wanted = None
        if number == 0:
            wanted = "first"
        elif plan.closed and number == plan.sessions - 1:
            wanted = "closing"
        elif number % 5 == 4:
            wanted = "review"
        if wanted not in self.protocols:
            ids = [s.protocol for s in self.content.protocol_mix if s.protocol in self.protocols]
            weights = [s.weight for s in self.content.protocol_mix if s.protocol in self.protocols]
            wanted = (
                self.rng.choices(ids, weights)[0] if ids else self.rng.choice(list(self.protocols))
            )
        return self.protocols[wanted]

    def _sessions(
        self,
        plan: ClientPlan,
        client: Client,
        engagement: Engagement,
        goals: list[tuple[Goal, int, int]],
    ) -> None:
        rng, batch = self.rng, self.batch
        unfinished_last = plan.index == 0 and plan.sessions >= 2
        open_from_before: list[Action] = []
        count = len(plan.dates)
        for number, day in enumerate(plan.dates):
            protocol = self._protocol_for(plan, number)
            unfinished = unfinished_last and number == count - 1
            started = datetime.combine(
                day, time(rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17)), rng.choice((0, 30)))
            )
            planned = protocol.duration_minutes
            minutes = max(20, planned + rng.randint(-10, 8))
            ended = None if unfinished else started + timedelta(minutes=minutes)
            next_day = plan.dates[number + 1] if number + 1 < count else None
            theme = plan.theme
            topic = rng.choice(theme.topics)
            agreement = Agreement(
                topic=topic,
                desired_outcome=rng.choice(
                    (
                        "A clear next step",
                        "A plan for the coming two weeks",
                        "Clarity on options",
                        "Know what to say",
                        "A decision",
                    )
                ),
                measure_of_success=rng.choice(
                    (
                        "Can name the first step",
                        "Feels ready to act",
                        "Has written it down",
                        "Knows the first three sentences",
                        "Chose one option",
                    )
                ),
            )
            current = min(3, len(protocol.steps) - 1) if unfinished else len(protocol.steps) - 1
            session = Session(
                id=self.ids.take("sessions"),
                client_id=client.id,  # type: ignore[arg-type]
                engagement_id=engagement.id,
                protocol_id=protocol.id,
                protocol_snapshot=self.snapshots[protocol.id],
                planned_minutes=planned,
                mode=self._mode(plan),
                started_at=started,
                ended_at=ended,
                agreement=agreement,
                current_step=current,
                next_session_on=(
                    next_day if next_day else (None if plan.closed else day + timedelta(days=14))
                ),
            )
            batch.sessions.append(session)
            assert session.id is not None
            # Follow up what the last session set, in this one (not in an unfinished one).
            followed: list[ActionStatus] = []
            if not unfinished:
                for action in open_from_before:
                    status: ActionStatus = rng.choices(("done", "dropped", "open"), (75, 10, 15))[0]
                    followed.append(status)
                    action.status = status
                    action.reviewed_session_id = session.id
                    action.closed_at = None if status == "open" else started + timedelta(minutes=10)
                open_from_before = [a for a in open_from_before if a.status == "open"]
            timings = step_timings(
                rng,
                lambda: self.ids.take("step_timings"),
                session,
                protocol,
                minutes,
                current,
                unfinished,
            )
            batch.step_timings.extend(timings)
            texts = [] if unfinished else rng.sample(theme.actions, rng.choice((1, 2, 2, 3)))
            insight = rng.choice(theme.insights)
            private = rng.random() < 0.4 or number == 0
            batch.notes.append(
                Notes(
                    session_id=session.id,
                    text=session_notes(
                        rng,
                        self.content,
                        plan,
                        protocol,
                        timings,
                        topic,
                        texts,
                        insight,
                        private,
                        followed,
                        reality=rng.choice(theme.reality),
                        option=rng.choice(theme.options),
                    ),
                    updated_at=ended or started + timedelta(minutes=25),
                )
            )
            if unfinished:
                continue
            last_finished = number == count - 1 or (unfinished_last and number == count - 2)
            for i, text in enumerate(texts):
                action = self._action(
                    plan, client, session, goals, text, next_day, last_finished, i
                )
                batch.actions.append(action)
                if action.status == "open" and not last_finished:
                    open_from_before.append(action)
            self._scores(session, protocol, goals, number, count)
            for text in rng.sample(self.content.takeaways, rng.choice((1, 1, 2))):
                batch.takeaways.append(
                    Takeaway(id=self.ids.take("takeaways"), session_id=session.id, text=text)
                )
        if plan.closed:  # the engagement ended: nothing is left hanging
            for action in open_from_before:
                action.status = "done"

    def _mode(self, plan: ClientPlan) -> SessionMode:
        if plan.format == "group":
            return self.rng.choice(("in-person", "video"))
        return self.rng.choices(("video", "phone", "in-person"), (70, 15, 15))[0]

    def _action(
        self,
        plan: ClientPlan,
        client: Client,
        session: Session,
        goals: list[tuple[Goal, int, int]],
        text: str,
        next_day: date | None,
        last_finished: bool,
        position: int,
    ) -> Action:
        rng = self.rng
        start = session.started_at.date()
        due: date | None = next_day or start + timedelta(days=rng.choice((7, 10, 14)))
        if last_finished and plan.closed:
            due = None  # commitments going forward, after the closing session: the client's own
        if last_finished and plan.index == 0:
            # The first client shows both kinds of open action: one overdue, one due soon.
            due = self.today + (timedelta(days=-3) if position == 0 else timedelta(days=6))
        owner: ActionOwner = "coach" if rng.random() < 0.08 else "coachee"
        goal = rng.choice(goals)[0] if goals and rng.random() < 0.6 else None
        return Action(
            id=self.ids.take("actions"),
            client_id=client.id,  # type: ignore[arg-type]
            session_id=session.id,
            text=text,
            owner=owner,
            due_on=due,
            goal_id=goal.id if goal else None,
            status="open",
            created_at=session.ended_at or session.started_at,
        )

    def _scores(
        self,
        session: Session,
        protocol: Protocol,
        goals: list[tuple[Goal, int, int]],
        number: int,
        count: int,
    ) -> None:
        """Scores that rise from where the client starts toward where they head, with noise."""
        scaling = any(step.capture == "scaling" for step in protocol.steps)
        if not (scaling or number == 0 or self.rng.random() < 0.6):
            return
        progress = number / max(1, count - 1)
        for goal, begin, target in goals:
            if goal.status == "dropped" and progress > 0.5:
                continue
            score = round(begin + (target - begin) * progress**0.8 + self.rng.gauss(0, 0.8))
            self.batch.goal_scores.append(
                GoalScore(
                    id=self.ids.take("goal_scores"),
                    goal_id=goal.id,  # type: ignore[arg-type]
                    session_id=session.id,  # type: ignore[arg-type]
                    score=max(0, min(10, score)),
                    created_at=session.ended_at or session.started_at,
                )
            )


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
