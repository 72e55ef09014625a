"""The demo's outcomes: SMARTE goals, the actions sessions set, and the goal scores over time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from companion.core.models import (
    Action,
    ActionOwner,
    Client,
    Engagement,
    Goal,
    GoalScore,
    GoalStatus,
    Session,
)
from companion.core.protocols import Protocol
from companion.services.demo_cast import ClientPlan
from companion.services.demo_draft import DraftPart, PlannedGoal


class Outcomes(DraftPart):
    """What an engagement aims at and what its sessions commit to and measure."""

    def goals(
        self, plan: ClientPlan, client: Client, engagement: Engagement, start: date
    ) -> list[PlannedGoal]:
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

    def action(
        self,
        plan: ClientPlan,
        client: Client,
        session: Session,
        goals: list[PlannedGoal],
        text: str,
        next_day: date | None,
        last_finished: bool,
        position: int,
        owner: ActionOwner | None = None,
    ) -> Action:
        """An open action TEXT set in SESSION; its owner drawn (coachee, now and then the coach)
        unless OWNER is given."""
        rng = self.rng
        start = session.started_at.date()
        due: date | None = next_day or start + timedelta(days=rng.choice((7, 10, 14)))
        if last_finished and plan.closed:
            due = None  # commitments going forward, after the closing session: the client's own
        if last_finished and plan.index == 0:
            # The first client shows both kinds of open action: one overdue, one due soon.
            due = self.today + (timedelta(days=-3) if position == 0 else timedelta(days=6))
        if owner is None:
            owner = "coach" if rng.random() < 0.08 else "coachee"
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

    def scores(
        self,
        session: Session,
        protocol: Protocol,
        goals: list[PlannedGoal],
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
