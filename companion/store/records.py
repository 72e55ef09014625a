"""Whole records gathered from the store: everything about one session in one model."""

from __future__ import annotations

from pydantic import ValidationError

from companion.models import GoalProgress, Session, SessionRecord
from companion.protocols import Protocol, protocol_from_snapshot

from .store import Store


def _protocol(session: Session) -> Protocol | None:
    """The protocol as used; None for a session stored without a readable snapshot."""
    if not session.protocol_snapshot:
        return None
    try:
        return protocol_from_snapshot(session.protocol_snapshot)
    except ValidationError:
        return None


def load_session_record(store: Store, session_id: int) -> SessionRecord:
    """Everything stored about one session. Raises NotFound for a wrong id."""
    with store._lock:  # one consistent read, even while the UI autosaves from a worker
        session = store.get_session(session_id)
        client = store.get_client(session.client_id)
        engagement = (
            store.get_engagement(session.engagement_id)
            if session.engagement_id is not None
            else None
        )
        # Sessions in order of start, ties broken by id (as the store numbers them).
        order = {s.id: (s.started_at, s.id or 0) for s in store.sessions(session.client_id)}
        here = (session.started_at, session.id or 0)
        goals: list[GoalProgress] = []
        for goal in store.goals(session.client_id):
            assert goal.id is not None
            scores = sorted(
                store.goal_scores(goal_id=goal.id), key=lambda s: order.get(s.session_id, here)
            )
            mine = [s for s in scores if s.session_id == session.id]
            score = mine[0].score if mine else None
            before = [s for s in scores if order.get(s.session_id, here) < here]
            goals.append(
                GoalProgress(
                    goal=goal,
                    score=score,
                    previous_score=before[-1].score if before else None,
                    last_score=scores[-1].score if scores else None,
                    scores=scores,
                )
            )
        reviewed = [
            action
            for action in store.actions(session.client_id)
            if action.reviewed_session_id == session_id and action.session_id != session_id
        ]
        return SessionRecord(
            session=session,
            client=client,
            engagement=engagement,
            protocol=_protocol(session),
            session_number=store.session_number(session),
            notes=store.get_notes(session_id),
            step_timings=store.step_timings(session_id),
            actions_set=store.actions(session_id=session_id),
            actions_reviewed=reviewed,
            goals=goals,
            takeaways=store.takeaways(session_id),
        )
