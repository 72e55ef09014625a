"""The store's view models: what each screen shows, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from companion.core.models import Action, Agreement, Client, Engagement, Goal, Session
from companion.core.protocols import ProtocolLibrary
from companion.store import NotFound, Store
from companion.store.records import load_session_record
from companion.store.views import (
    closing_view,
    home_view,
    session_view,
    sidebar_view,
    timeline_view,
)

TODAY = date(2026, 11, 25)


@dataclass
class Practice:
    store: Store
    client: Client
    other: Client
    engagement: Engagement
    goals: list[Goal]  # active, then dropped
    sessions: list[Session]  # the client's, oldest first; the last one unfinished


def build(store: Store, protocols: ProtocolLibrary, n_sessions: int) -> Practice:
    """One client with N_SESSIONS in one engagement (each scoring both goals, setting an action
    and a takeaway; the last one unfinished), and a second client with one session."""
    protocol = protocols.get("grow")
    client = store.add_client(Client(name="Ana Lopez"))
    other = store.add_client(Client(name="Ben Okafor"))
    assert client.id is not None and other.id is not None
    engagement = store.add_engagement(
        Engagement(client_id=client.id, start_date=date(2026, 1, 5), sessions_planned=80)
    )
    active = store.add_goal(Goal(client_id=client.id, specific="Lead the meeting"))
    dropped = store.add_goal(Goal(client_id=client.id, specific="Old goal", status="dropped"))
    sessions = []
    start = datetime(2026, 1, 5, 9, 0)
    for index in range(n_sessions):
        at = start + timedelta(days=index)
        last = index == n_sessions - 1
        session = store.add_session(
            Session(
                client_id=client.id,
                engagement_id=engagement.id,
                protocol_id=protocol.id,
                protocol_snapshot=protocol.model_dump_json(),
                started_at=at,
                ended_at=None if last else at + timedelta(minutes=50),
                agreement=Agreement(topic=f"Topic {index + 1}"),
            )
        )
        assert session.id is not None
        store.save_notes(session.id, f"Notes {index + 1}\n- [ ] Try {index + 1}\n")
        store.enter_step(session.id, 0, protocol.steps[0].id, at=at)
        if not last:
            store.add_action(
                Action(
                    client_id=client.id,
                    session_id=session.id,
                    text=f"Action {index + 1}",
                    goal_id=dropped.id,
                    due_on=TODAY + timedelta(days=index % 10 - 3),
                )
            )
            store.set_goal_score(active.id, session.id, index % 11)  # type: ignore[arg-type]
            store.set_goal_score(dropped.id, session.id, 5)  # type: ignore[arg-type]
            store.replace_takeaways(session.id, [f"Takeaway {index + 1}"])
        sessions.append(session)
    store.add_session(
        Session(client_id=other.id, protocol_id=protocol.id, started_at=datetime(2026, 2, 1))
    )
    return Practice(store, client, other, engagement, [active, dropped], sessions)


@pytest.fixture
def small(store: Store, protocols: ProtocolLibrary) -> Practice:
    return build(store, protocols, 3)


@contextmanager
def counting(store: Store) -> Iterator[list[str]]:
    """Every query run on the store's connection meanwhile (not the savepoints sqlite-utils
    wraps some of them in)."""
    statements: list[str] = []

    def seen(sql: str) -> None:
        if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            statements.append(sql)

    store.db.conn.set_trace_callback(seen)
    try:
        yield statements
    finally:
        store.db.conn.set_trace_callback(None)


# -- what each view holds, on a small practice ----------------------------------------------


def test_home_view(small: Practice, protocols: ProtocolLibrary) -> None:
    grow = protocols.get("grow")
    view = home_view(small.store, TODAY, due_within_days=7)
    assert [c.name for c in view.clients] == ["Ana Lopez", "Ben Okafor"]
    # Newest first: Ana's unfinished third session (Jan 7) is older than Ben's (Feb 1).
    assert [u.client_name for u in view.unfinished] == ["Ben Okafor", "Ana Lopez"]
    assert view.unfinished[1].session == small.sessions[2]
    assert view.unfinished[1].label == f"{grow.name} · step 1 of {len(grow.steps)}"
    assert view.unfinished[0].label == "grow"  # stored without a snapshot: its id
    assert [(d.action.text, d.client_name) for d in view.due] == [
        ("Action 1", "Ana Lopez"),  # due 3 days ago
        ("Action 2", "Ana Lopez"),  # due 2 days ago
    ]


def test_timeline_view(small: Practice) -> None:
    view = timeline_view(small.store, small.client.id)  # type: ignore[arg-type]
    assert view.client == small.client
    assert view.engagements == [small.engagement]
    assert [(s.session.id, s.number) for s in view.sessions] == [
        (small.sessions[2].id, 3),
        (small.sessions[1].id, 2),
        (small.sessions[0].id, 1),
    ]
    assert [(g.goal.id, g.values) for g in view.goals] == [
        (small.goals[0].id, [0, 1]),
        (small.goals[1].id, [5, 5]),
    ]
    assert [a.text for a in view.open_actions] == ["Action 1", "Action 2"]
    assert view.unfinished == small.sessions[2]
    assert view.last_finished is not None and view.last_finished.id == small.sessions[1].id
    with pytest.raises(NotFound):
        timeline_view(small.store, 999)


def test_session_view(small: Practice, protocols: ProtocolLibrary) -> None:
    first, second, third = (s.id for s in small.sessions)
    view = session_view(small.store, second)  # type: ignore[arg-type]
    assert (view.previous_id, view.next_id) == (first, third)
    assert view.numbers == {first: 1, second: 2, third: 3}
    record = view.record
    assert record.session.id == second and record.client == small.client
    assert record.engagement == small.engagement and record.session_number == 2
    assert record.protocol is not None and record.protocol.id == "grow"
    assert record.notes.text.startswith("Notes 2")
    assert [t.step_id for t in record.step_timings] == [protocols.get("grow").steps[0].id]
    assert [a.text for a in record.actions_set] == ["Action 2"]
    assert [t.text for t in record.takeaways] == ["Takeaway 2"]
    assert [(p.score, p.previous_score, p.last_score) for p in record.goals] == [
        (1, 0, 1),
        (5, 5, 5),
    ]
    assert load_session_record(small.store, second) == record  # type: ignore[arg-type]
    assert session_view(small.store, first).previous_id is None  # type: ignore[arg-type]
    assert session_view(small.store, third).next_id is None  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        session_view(small.store, 999)


def test_closing_view(small: Practice) -> None:
    second = small.sessions[1].id
    view = closing_view(small.store, second)  # type: ignore[arg-type]
    assert view.session.id == second and view.client == small.client
    assert view.session_number == 2 and view.sessions_planned == 80
    assert view.notes.startswith("Notes 2")
    assert [a.text for a in view.actions] == ["Action 2"]
    assert [(p.goal.id, p.previous_score, p.score) for p in view.goals] == [
        (small.goals[0].id, 0, 1)  # active goals only; the score before, and this one's
    ]
    # The dropped goal is named by the session's action, so an action may still be tied to it.
    assert [g.id for g in view.action_goals] == [g.id for g in small.goals]
    assert view.takeaways == ["Takeaway 2"]


def test_sidebar_view(small: Practice) -> None:
    first, second, third = small.sessions
    view = sidebar_view(small.store, third.id)  # type: ignore[arg-type]
    assert view.session == third and view.engagement == small.engagement
    assert view.session_number == 3
    assert [(p.goal.id, p.last_score) for p in view.goals] == [(small.goals[0].id, 1)]
    assert [a.text for a in view.to_review] == ["Action 1", "Action 2"]
    assert view.set_today == []
    assert view.previous is not None and view.previous.id == second.id
    assert sidebar_view(small.store, first.id).previous is None  # type: ignore[arg-type]


def test_one_session_number_and_one_last_score_everywhere(small: Practice) -> None:
    """Seen from the first session, a later session's score is never its 'last score'."""
    store, first = small.store, small.sessions[0]
    assert first.id is not None
    timeline = {s.session.id: s.number for s in timeline_view(store, small.client.id).sessions}  # type: ignore[arg-type]
    for session in small.sessions:
        assert store.session_number(session) == timeline[session.id]
        assert sidebar_view(store, session.id).session_number == timeline[session.id]  # type: ignore[arg-type]
        assert closing_view(store, session.id).session_number == timeline[session.id]  # type: ignore[arg-type]
    [in_record, _] = session_view(store, first.id).record.goals
    [in_sidebar] = sidebar_view(store, first.id).goals
    [in_closing] = closing_view(store, first.id).goals
    assert in_record.last_score == in_sidebar.last_score == in_closing.last_score == 0
    assert in_record.previous_score == in_closing.previous_score is None


def test_views_are_frozen(small: Practice) -> None:
    view = sidebar_view(small.store, small.sessions[0].id)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="frozen"):
        view.session_number = 9  # type: ignore[misc]


# -- the number of queries stays the same as the practice grows ------------------------------

VIEWS: dict[str, tuple[int, Callable[[Practice], Any]]] = {
    "home": (4, lambda p: home_view(p.store, TODAY)),
    "timeline": (6, lambda p: timeline_view(p.store, p.client.id)),  # type: ignore[arg-type]
    "session": (11, lambda p: session_view(p.store, p.sessions[1].id)),  # type: ignore[arg-type]
    "closing": (9, lambda p: closing_view(p.store, p.sessions[1].id)),  # type: ignore[arg-type]
    "sidebar": (7, lambda p: sidebar_view(p.store, p.sessions[-1].id)),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_queries_stay_fixed_as_the_practice_grows(
    name: str, protocols: ProtocolLibrary, tmp_path: Any
) -> None:
    expected, build_view = VIEWS[name]
    counts = []
    for n_sessions in (3, 60):
        store = Store.open(tmp_path / f"{n_sessions}.db")
        try:
            practice = build(store, protocols, n_sessions)
            with counting(store) as statements:
                build_view(practice)
            counts.append(len(statements))
        finally:
            store.close()
    assert counts == [expected, expected], statements


def test_home_reads_neither_every_session_nor_every_action(small: Practice) -> None:
    """Its unfinished sessions and its actions due come from their own indexes (m012): at
    50,000 sessions two whole-table scans were most of home's first read."""
    with counting(small.store) as statements:
        home_view(small.store, TODAY)
    steps = []
    with small.store.reading() as db:
        for sql in statements:
            arguments = [TODAY.isoformat(), 50][: sql.count("?")]
            steps += [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", arguments)]
    assert any("sessions USING INDEX sessions_unfinished" in step for step in steps)
    assert any("actions USING INDEX actions_open_due" in step for step in steps)
    whole = [step for step in steps if step in ("SCAN sessions", "SCAN actions")]
    assert whole == []
