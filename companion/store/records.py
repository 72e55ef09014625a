"""Whole records gathered from the store: everything about one session in one model."""

from __future__ import annotations

from pydantic import ValidationError

from companion.models import Action, GoalProgress, Session, SessionRecord
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
        # Sessions in order of start, ties broken by id (as the store numbers them). Only the
        # two columns: a client may have hundreds of sessions, each with a protocol snapshot.
        order: dict[int, tuple[str, int]] = {
            row[0]: (row[1], row[0])
            for row in store.db.execute(
                "SELECT id, started_at FROM sessions WHERE client_id = ?", [session.client_id]
            ).fetchall()
        }
        here = (session.started_at.isoformat(), session_id)
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
            Action.model_validate(row)
            for row in store.db["actions"].rows_where(
                "reviewed_session_id = ? AND (session_id IS NULL OR session_id != ?)",
                [session_id, session_id],
                order_by="due_on IS NULL, due_on, id",
            )
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
