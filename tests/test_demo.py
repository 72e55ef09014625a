"""The demo practice: as big as asked, varied, deterministic, and only into an empty database."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from companion.cli import cli
from companion.core.notes import action_candidates, insights, is_private
from companion.core.protocols import ProtocolLibrary, protocol_from_snapshot
from companion.services.demo import build_practice, fill_demo
from companion.store import Store
from companion.store.bulk import Batch
from companion.store.hours import hours_log

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One small practice (5 clients, 60 sessions), filled once for the module's tests."""
    store = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    protocols = ProtocolLibrary.discover(include_user=False)
    fill_demo(store, protocols, clients=5, sessions=60, seed=7, today=TODAY)
    yield store
    store.close()


def count(store: Store, table: str, where: str = "1") -> int:
    return store.db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]


def test_size_is_as_asked(demo_store: Store) -> None:
    assert count(demo_store, "clients") == 5
    assert count(demo_store, "sessions") == 60
    assert count(demo_store, "engagements") == 5
    assert count(demo_store, "notes") == 60
    assert len({c.name for c in demo_store.clients()}) == 5


def test_sessions_follow_several_protocols_with_their_snapshots(demo_store: Store) -> None:
    sessions = demo_store.sessions()
    used = Counter(session.protocol_id for session in sessions)
    assert {"first", "grow", "review"} <= set(used)
    assert len(used) >= 4
    for session in sessions:
        protocol = protocol_from_snapshot(session.protocol_snapshot)
        assert protocol.id == session.protocol_id
        timings = demo_store.step_timings(session.id)  # type: ignore[arg-type]
        assert timings and [t.step_id for t in timings] == [
            step.id for step in protocol.steps[: len(timings)]
        ]
    # each client's first session is a first session
    for client in demo_store.clients():
        first = demo_store.sessions(client.id)[-1]
        assert first.protocol_id == "first"


def test_one_unfinished_session_to_resume_the_rest_timed(demo_store: Store) -> None:
    (unfinished,) = demo_store.unfinished_sessions()
    assert unfinished.started_at.date() < TODAY
    assert demo_store.sessions(unfinished.client_id)[0].id == unfinished.id  # their latest
    timings = demo_store.step_timings(unfinished.id)  # type: ignore[arg-type]
    assert timings[-1].left_at is None and unfinished.current_step == timings[-1].step_index
    for session in demo_store.sessions(finished=True):
        assert session.ended_at is not None and session.ended_at > session.started_at
        timings = demo_store.step_timings(session.id)  # type: ignore[arg-type]
        assert timings[-1].left_at == session.ended_at
        assert all(t.left_at is not None and t.left_at >= t.entered_at for t in timings)


def test_notes_have_step_headings_and_all_three_markers(demo_store: Store) -> None:
    texts = [row[0] for row in demo_store.db.execute("SELECT text FROM notes")]
    assert all(text.startswith("## ") for text in texts)
    assert sum(bool(action_candidates(text)) for text in texts) >= 50
    assert sum(bool(insights(text)) for text in texts) >= 50
    assert sum(any(is_private(line) for line in text.splitlines()) for text in texts) >= 5


def test_actions_done_open_and_overdue(demo_store: Store) -> None:
    statuses = Counter(action.status for action in demo_store.actions())
    assert statuses["done"] > 0 and statuses["open"] > 0
    overdue = demo_store.actions(overdue_on=TODAY)
    assert overdue
    due_later = [
        a for a in demo_store.actions(status="open") if a.due_on is not None and a.due_on >= TODAY
    ]
    assert due_later
    for action in demo_store.actions(status="done"):
        assert action.reviewed_session_id is not None and action.closed_at is not None
    # an action in the notes' "- [ ]" lines of the session that set it
    action = demo_store.actions()[0]
    assert action.text in demo_store.get_notes(action.session_id).text  # type: ignore[arg-type]


def test_engagements_vary(demo_store: Store) -> None:
    engagements = [e for c in demo_store.clients() for e in demo_store.engagements(c.id)]  # type: ignore[arg-type]
    assert any(e.is_three_party and e.sponsor_role for e in engagements)
    assert {e.billing for e in engagements} == {"paid", "pro_bono"}
    assert {e.format for e in engagements} == {"individual", "group"}
    assert all(e.group_size for e in engagements if e.format == "group")


def test_some_actions_are_the_sponsors_in_three_party_engagements(demo_store: Store) -> None:
    actions = demo_store.actions()
    sponsors = [a for a in actions if a.owner == "sponsor"]
    assert sponsors and len(sponsors) < len(actions) / 5  # a few, not most
    for action in sponsors:
        (engagement,) = demo_store.engagements(action.client_id)
        assert engagement.is_three_party
        session = demo_store.get_session(action.session_id)  # type: ignore[arg-type]
        assert session.protocol_id in ("first", "review")  # the meetings the sponsor joins
        assert action.text in demo_store.get_notes(session.id).text  # type: ignore[arg-type]


def test_some_older_engagements_have_ended(demo_store: Store) -> None:
    engagements = [e for c in demo_store.clients() for e in demo_store.engagements(c.id)]  # type: ignore[arg-type]
    closed = [e for e in engagements if e.status == "closed"]
    assert closed and len(closed) < len(engagements)
    for engagement in closed:
        sessions = demo_store.sessions(engagement.client_id)  # latest first
        assert all(s.is_finished for s in sessions)
        assert sessions[0].protocol_id == "closing" and sessions[0].next_session_on is None
        assert engagement.end_date == sessions[0].started_at.date()
        # nothing left hanging: only what the closing session set, the client's own from there
        for action in demo_store.actions(client_id=engagement.client_id, status="open"):
            assert (action.session_id, action.due_on) == (sessions[0].id, None)
    assert all(e.end_date is None for e in engagements if e.status == "open")


def test_goals_are_smarte_and_scored_over_the_sessions(demo_store: Store) -> None:
    goals = demo_store.goals()
    assert len(goals) >= 5
    for goal in goals:
        assert goal.specific and goal.measurable and goal.ecological and goal.timely
        scores = demo_store.goal_scores(goal_id=goal.id)
        assert scores, goal
        assert all(0 <= s.score <= 10 for s in scores)
    # progress: on the whole, the last scores are higher than the first
    firsts, lasts = [], []
    for goal in goals:
        scores = demo_store.goal_scores(goal_id=goal.id)
        if len(scores) >= 4:
            firsts.append(scores[0].score)
            lasts.append(scores[-1].score)
    assert firsts and sum(lasts) > sum(firsts)


def test_agreements_and_takeaways(demo_store: Store) -> None:
    assert count(demo_store, "sessions", "agreement_topic = ''") == 0
    assert count(demo_store, "takeaways") >= 59
    assert demo_store.search("delegat") or demo_store.search("values")


def test_hours_log_counts_the_finished_sessions(demo_store: Store) -> None:
    log = hours_log(demo_store)
    assert log.sessions == 59 and log.clients == 5
    assert log.paid_seconds > 0 and log.pro_bono_seconds > 0


def _dump(batch: Batch) -> str:
    return json.dumps(
        {
            table: [r.model_dump(mode="json") for r in getattr(batch, table)]
            for table in batch.counts()
        }
    )


def test_same_seed_same_practice_other_seed_other_practice(protocols: ProtocolLibrary) -> None:
    def build(seed: int) -> Batch:
        return build_practice(protocols, clients=3, sessions=20, seed=seed, today=TODAY)

    assert _dump(build(3)) == _dump(build(3))
    assert _dump(build(3)) != _dump(build(4))


def test_many_clients_get_unique_names(protocols: ProtocolLibrary) -> None:
    batch = build_practice(protocols, clients=400, sessions=400, seed=1, today=TODAY)
    names = [client.name for client in batch.clients]
    assert len(set(name.casefold() for name in names)) == 400


def test_clients_without_sessions_yet(store: Store, protocols: ProtocolLibrary) -> None:
    summary = fill_demo(store, protocols, clients=3, sessions=0, today=TODAY)
    assert (summary.clients, summary.sessions) == (3, 0)
    assert count(store, "clients") == 3 and count(store, "sessions") == 0


# -- the command ---------------------------------------------------------------------------------


def test_demo_command_db_option(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    result = runner.invoke(
        cli, ["demo", "--db", str(target), "--clients", "4", "--sessions", "30", "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "4 clients, 30 sessions (1 unfinished)" in result.stdout
    assert f"companion --db {target} review" in result.stdout
    store = Store.open(target)
    try:
        assert count(store, "clients") == 4 and count(store, "sessions") == 30
    finally:
        store.close()
    default = Store.open()  # $COMPANION_DB: left alone by a command-level --db
    try:
        assert count(default, "clients") == 0
    finally:
        default.close()


def test_demo_global_db_option_works_too(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "global.db"
    result = runner.invoke(cli, ["--db", str(target), "demo", "--clients", "2", "--sessions", "5"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--db", str(target), "sessions", "--json"])
    assert len(json.loads(result.stdout)) == 5


def test_demo_refuses_a_database_with_clients(runner: CliRunner, sample) -> None:
    before = count(sample.store, "sessions")
    result = runner.invoke(cli, ["demo", "--sessions", "10"])
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "already holds 1 client" in line and "--db" in line
    assert count(sample.store, "sessions") == before


@pytest.mark.parametrize(
    "args", [("--clients", "0"), ("--sessions", "-1"), ("--seed", "x"), ("--clients", "many")]
)
def test_demo_bad_numbers(runner: CliRunner, args) -> None:
    result = runner.invoke(cli, ["demo", *args])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_the_demo_content_is_data_that_validates() -> None:
    """The fictional words live in companion/demo_content.toml, checked like any file we read."""
    from companion.services.demo_content import DemoContent, demo_content

    content = demo_content()
    assert isinstance(content, DemoContent)
    assert len(content.themes) >= 5 and all(theme.goals for theme in content.themes)
    assert {share.protocol for share in content.protocol_mix} >= {"grow"}
    import companion.services.demo as demo_module

    modules = sorted(Path(demo_module.__file__).parent.glob("demo*.py"))
    assert len(modules) >= 5  # the generator's parts, each checked
    for module in modules:  # not also written inline in the generator
        assert content.first_names[0] not in module.read_text(encoding="utf-8"), module.name
