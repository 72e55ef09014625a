"""A small practice with fixed dates, for the home and review tests and their snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from companion.core.models import Action, Agreement, Client, Engagement, Goal, Session
from companion.core.protocols import ProtocolLibrary
from companion.store import Store

TODAY = date(2026, 11, 25)


@dataclass
class ReviewPractice:
    ana: Client
    ben: Client
    chloe: Client
    goal: Goal
    sessions: list[Session]  # Ana's three sessions, oldest first
    unfinished: Session  # Ben's
    overdue: Action
    due_soon: Action
    done: Action
    far_off: Action


def _session(
    store: Store,
    protocols: ProtocolLibrary,
    client: Client,
    engagement: Engagement,
    protocol_id: str,
    start: datetime,
    topic: str,
    outcome: str = "",
) -> Session:
    protocol = protocols.get(protocol_id)
    assert client.id is not None
    return store.add_session(
        Session(
            client_id=client.id,
            engagement_id=engagement.id,
            protocol_id=protocol_id,
            protocol_snapshot=protocol.model_dump_json(),
            planned_minutes=protocol.duration_minutes,
            started_at=start,
            agreement=Agreement(topic=topic, desired_outcome=outcome),
        )
    )


def _walk_steps(
    store: Store, protocols: ProtocolLibrary, session: Session, minutes: list[float]
) -> datetime:
    """Enter each step in turn, spending MINUTES in each; returns when the last one ends."""
    assert session.id is not None
    protocol = protocols.get(session.protocol_id)
    at = session.started_at
    for index, (step, spent) in enumerate(zip(protocol.steps, minutes, strict=False)):
        store.enter_step(session.id, index, step.id, at=at)
        at += timedelta(minutes=spent)
    return at


def build_review_practice(store: Store, protocols: ProtocolLibrary) -> ReviewPractice:
    ana = store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))
    ben = store.add_client(Client(name="Ben Okafor"))
    chloe = store.add_client(Client(name="Chloé Martin"))
    assert ana.id is not None and ben.id is not None
    contract = store.add_engagement(
        Engagement(
            client_id=ana.id,
            sponsor_name="Marc Dubois",
            sponsor_role="Head of HR",
            start_date=date(2026, 9, 1),
            sessions_planned=6,
            confidentiality="Content stays between coach and coachee; the sponsor hears progress.",
            objective="Step into the team-lead role with confidence",
        )
    )
    goal = store.add_goal(
        Goal(
            client_id=ana.id,
            engagement_id=contract.id,
            specific="Lead the weekly team meeting without notes",
            timely=date(2027, 1, 31),
        )
    )
    delegate = store.add_goal(
        Goal(client_id=ana.id, engagement_id=contract.id, specific="Delegate two recurring tasks")
    )
    assert goal.id is not None and delegate.id is not None

    first = _session(
        store, protocols, ana, contract, "first", datetime(2026, 9, 8, 10, 0), "Contracting"
    )
    second = _session(
        store,
        protocols,
        ana,
        contract,
        "grow",
        datetime(2026, 10, 6, 10, 0),
        "Preparing Monday's meeting",
        "A plan for the opening",
    )
    third = _session(
        store,
        protocols,
        ana,
        contract,
        "grow",
        datetime(2026, 11, 3, 10, 0),
        "Delegation without guilt",
        "Two tasks to hand over",
    )
    assert first.id is not None and second.id is not None and third.id is not None

    end = _walk_steps(store, protocols, first, [5, 12, 10, 8, 5, 10, 20, 5, 7, 5])
    store.save_notes(first.id, "## Agreement\nWants a clear start in the new role.\n")
    store.set_goal_score(goal.id, first.id, 4)
    store.set_goal_score(delegate.id, first.id, 3)
    first = store.finish_session(first.id, ended_at=end, takeaways=["Coaching is about me"])

    end = _walk_steps(store, protocols, second, [5, 6, 8, 15, 12, 8, 4])
    store.save_notes(
        second.id,
        "## Reality · 10:19\n"
        "Nervous about the opening minutes of the meeting.\n"
        "// seems tired, mentions the new manager twice\n"
        "- [ ] Draft the meeting opening\n"
        "- Wants feedback from the team\n"
        "! Preparing the first sentence takes the fear away\n",
    )
    done = store.add_action(
        Action(
            client_id=ana.id,
            session_id=second.id,
            text="Draft the meeting opening",
            due_on=date(2026, 10, 13),
            goal_id=goal.id,
        )
    )
    overdue = store.add_action(
        Action(
            client_id=ana.id,
            session_id=second.id,
            text="Ask two colleagues for feedback",
            due_on=date(2026, 11, 20),
            goal_id=goal.id,
        )
    )
    store.set_goal_score(goal.id, second.id, 6)
    store.set_goal_score(delegate.id, second.id, 5)
    second = store.finish_session(second.id, ended_at=end, takeaways=["I know how I want to start"])

    end = _walk_steps(store, protocols, third, [5, 7, 8, 12, 14, 8, 5])
    store.save_notes(third.id, "## Options\nHand over the weekly report to Sam.\n")
    assert done.id is not None and overdue.id is not None
    store.set_action_status(done.id, "done", reviewed_in=third.id)
    store.set_action_status(overdue.id, "open", reviewed_in=third.id)
    due_soon = store.add_action(
        Action(
            client_id=ana.id,
            session_id=third.id,
            text="List the tasks to delegate",
            due_on=date(2026, 11, 27),
        )
    )
    far_off = store.add_action(
        Action(
            client_id=ana.id, session_id=third.id, text="Book a day off", due_on=date(2027, 3, 1)
        )
    )
    store.set_goal_score(goal.id, third.id, 7)
    third = store.finish_session(
        third.id,
        ended_at=end,
        takeaways=["Delegating is a gift, not a burden"],
        next_session_on=date(2026, 12, 1),
    )

    group = store.add_engagement(
        Engagement(
            client_id=ben.id,
            start_date=date(2026, 11, 1),
            billing="pro_bono",
            format="group",
            group_size=4,
        )
    )
    unfinished = _session(
        store, protocols, ben, group, "check-in", datetime(2026, 11, 24, 16, 0), "Team energy"
    )
    return ReviewPractice(
        ana=ana,
        ben=ben,
        chloe=chloe,
        goal=goal,
        sessions=[first, second, third],
        unfinished=unfinished,
        overdue=store.get_action(overdue.id),
        due_soon=due_soon,
        done=store.get_action(done.id),
        far_off=far_off,
    )
