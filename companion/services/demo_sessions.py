"""The demo's sessions: which protocol, when, how long, each step's timing, notes and actions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from companion.core.models import (
    Action,
    ActionOwner,
    ActionStatus,
    Agreement,
    Client,
    Engagement,
    Notes,
    Session,
    SessionMode,
    StepTiming,
    Takeaway,
)
from companion.core.protocols import Protocol
from companion.services.demo_cast import ClientPlan
from companion.services.demo_draft import Draft, DraftPart, PlannedGoal
from companion.services.demo_notes import NotesWriter
from companion.services.demo_outcomes import Outcomes


class Sessions(DraftPart):
    """One client's sessions in order, following up last time's actions in each."""

    def __init__(self, draft: Draft, outcomes: Outcomes) -> None:
        super().__init__(draft)
        self.protocols = draft.protocols
        self.snapshots = draft.snapshots
        self.outcomes = outcomes
        self.notes = NotesWriter(draft)

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

    def make(
        self,
        plan: ClientPlan,
        client: Client,
        engagement: Engagement,
        goals: list[PlannedGoal],
    ) -> None:
        """The client's sessions; the first client's last one left unfinished, to resume."""
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
            timings = self._timings(session, protocol, minutes, current, unfinished)
            texts = [] if unfinished else rng.sample(theme.actions, rng.choice((1, 2, 2, 3)))
            sponsor_text = None if unfinished else self._sponsor_action(plan, protocol, number)
            if sponsor_text is not None:
                texts.append(sponsor_text)
            insight = rng.choice(theme.insights)
            private = rng.random() < 0.4 or number == 0
            batch.notes.append(
                Notes(
                    session_id=session.id,
                    text=self.notes.text(
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
                sponsors = sponsor_text is not None and i == len(texts) - 1  # appended last
                owner: ActionOwner | None = "sponsor" if sponsors else None
                action = self.outcomes.action(
                    plan, client, session, goals, text, next_day, last_finished, i, owner
                )
                batch.actions.append(action)
                if action.status == "open" and not last_finished:
                    open_from_before.append(action)
            self.outcomes.scores(session, protocol, goals, number, count)
            for text in rng.sample(self.content.takeaways, rng.choice((1, 1, 2))):
                batch.takeaways.append(
                    Takeaway(id=self.ids.take("takeaways"), session_id=session.id, text=text)
                )
        if plan.closed:  # the engagement ended: nothing is left hanging
            for action in open_from_before:
                action.status = "done"

    def _sponsor_action(self, plan: ClientPlan, protocol: Protocol, number: int) -> str | None:
        """What the sponsor takes on, now and then, when they join: the first session, reviews.

        Always in the first client's first session, so even a small practice shows one."""
        if not plan.sponsor or protocol.id not in ("first", "review"):
            return None
        sure = plan.index == 0 and number == 0
        if not (sure or self.rng.random() < 0.7):
            return None
        return self.rng.choice(self.content.sponsor_actions)

    def _mode(self, plan: ClientPlan) -> SessionMode:
        if plan.format == "group":
            return self.rng.choice(("in-person", "video"))
        return self.rng.choices(("video", "phone", "in-person"), (70, 15, 15))[0]

    def _timings(
        self, session: Session, protocol: Protocol, minutes: int, current: int, unfinished: bool
    ) -> list[StepTiming]:
        """When each step was entered and left: the planned minutes, stretched with noise."""
        steps = protocol.steps if not unfinished else protocol.steps[: current + 1]
        weights = [step.minutes * self.rng.uniform(0.7, 1.35) for step in protocol.steps]
        scale = minutes * 60 / sum(weights)
        at = session.started_at
        timings = []
        for index, step in enumerate(steps):
            left = at + timedelta(seconds=round(weights[index] * scale))
            if index == len(steps) - 1:
                left = session.ended_at if not unfinished else None  # type: ignore[assignment]
            timing = StepTiming(
                id=self.ids.take("step_timings"),
                session_id=session.id,  # type: ignore[arg-type]
                step_index=index,
                step_id=step.id,
                entered_at=at,
                left_at=left,
            )
            timings.append(timing)
            if left is not None:
                at = left
        self.batch.step_timings.extend(timings)
        return timings
