"""Time in session: the periods a session was open, its stored duration, and corrections."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner
from sqlite_utils import Database

from companion.core.models import Session
from companion.store import Store, StoreError
from companion.store.exchange import export_practice, read_export
from companion.store.exchange_import import import_practice
from companion.store.hours import hours_log
from companion.store.schema import migrations

DAY1 = datetime(2026, 11, 24, 10, 0)
DAY2 = datetime(2026, 11, 25, 10, 0)


def _session(store: Store, started: datetime = DAY1, name: str = "Ana Lopez") -> Session:
    client, _ = store.get_or_create_client(name)
    assert client.id is not None
    engagement = store.ensure_open_engagement(client.id)
    return store.add_session(
        Session(
            client_id=client.id,
            engagement_id=engagement.id,
            protocol_id="grow",
            started_at=started,
        )
    )


def _resumed_a_day_later(store: Store, *, counted: bool) -> Session:
    """30 minutes on day 1, the app closed, 20 more minutes the next day, then closed."""
    session = _session(store)
    assert session.id is not None
    store.touch_period(session.id, DAY1 + timedelta(minutes=30))
    if counted:
        store.continue_period(session.id, DAY2)
    else:
        store.begin_period(session.id, DAY2)
    store.touch_period(session.id, DAY2 + timedelta(minutes=20))
    return store.finish_session(session.id, ended_at=DAY2 + timedelta(minutes=20))


# -- periods ---------------------------------------------------------------------------------


def test_a_new_session_opens_its_first_period(store: Store) -> None:
    session = _session(store)
    assert session.id is not None
    [period] = store.periods(session.id)
    assert period.opened_at == period.last_seen_at == DAY1
    assert store.last_seen(session.id) == DAY1
    assert store.coached_seconds(session.id) == 0
    assert store.coached_seconds(session.id, DAY1 + timedelta(minutes=5)) == 300


def test_touch_moves_the_heartbeat_forward_only(store: Store) -> None:
    session = _session(store)
    assert session.id is not None
    store.touch_period(session.id, DAY1 + timedelta(minutes=10))
    store.touch_period(session.id, DAY1 + timedelta(minutes=4))  # late, out of order
    assert store.last_seen(session.id) == DAY1 + timedelta(minutes=10)
    assert store.coached_seconds(session.id) == 600


def test_the_gap_does_not_count_with_begin_period(store: Store) -> None:
    session = _resumed_a_day_later(store, counted=False)
    assert session.duration_seconds == 50 * 60
    assert session.duration_minutes == 50
    assert session.ended_at == DAY2 + timedelta(minutes=20)
    assert session.id is not None
    assert len(store.periods(session.id)) == 2
    assert store.get_session(session.id).duration_seconds == 3000


def test_the_gap_counts_with_continue_period(store: Store) -> None:
    session = _resumed_a_day_later(store, counted=True)
    assert session.id is not None
    assert len(store.periods(session.id)) == 1
    assert session.duration_seconds == round((DAY2 - DAY1).total_seconds()) + 20 * 60


def test_continue_period_on_a_session_without_periods_counts_from_its_start(
    store: Store,
) -> None:
    session = _session(store)
    assert session.id is not None
    store.db.execute("DELETE FROM session_periods")
    period = store.continue_period(session.id, DAY1 + timedelta(minutes=15))
    assert (period.opened_at, period.last_seen_at) == (DAY1, DAY1 + timedelta(minutes=15))
    assert store.coached_seconds(session.id) == 900


def test_finish_stores_the_sum_and_a_second_close_keeps_it(store: Store) -> None:
    session = _resumed_a_day_later(store, counted=False)
    assert session.id is not None
    again = store.finish_session(session.id, ended_at=None)
    assert again.ended_at == session.ended_at
    assert again.duration_seconds == 3000
    assert store.coached_seconds(session.id) == 3000


def test_periods_go_with_the_session(store: Store) -> None:
    session = _session(store)
    assert session.client_id is not None
    store.delete_client(session.client_id)
    assert store.db.execute("SELECT count(*) FROM session_periods").fetchone()[0] == 0


def test_begin_period_for_a_wrong_session(store: Store) -> None:
    with pytest.raises(StoreError, match="no session with id 99"):
        store.begin_period(99, DAY1)


def test_the_hours_log_counts_time_in_session_not_the_gap(store: Store) -> None:
    _resumed_a_day_later(store, counted=False)
    [row] = hours_log(store).rows
    assert row.seconds == 3000  # 30 min on day 1 + 20 min on day 2, not 24 h 20 min
    assert row.paid_hours == 0.83


# -- corrections -----------------------------------------------------------------------------


def test_correct_minutes_keeps_the_times(store: Store) -> None:
    session = _resumed_a_day_later(store, counted=True)
    assert session.id is not None
    fixed = store.correct_session_time(session.id, duration_seconds=55 * 60)
    assert (fixed.started_at, fixed.ended_at, fixed.duration_seconds) == (
        session.started_at,
        session.ended_at,
        3300,
    )
    assert store.get_session(session.id).duration_minutes == 55


def test_correct_a_time_sets_end_minus_start(store: Store) -> None:
    session = _resumed_a_day_later(store, counted=False)
    assert session.id is not None
    fixed = store.correct_session_time(session.id, started_at=DAY2 - timedelta(minutes=40))
    assert fixed.duration_seconds == 60 * 60


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "nothing to change"),
        ({"ended_at": DAY1}, "must be after the start"),
        ({"duration_seconds": 0}, "1 to 600 minutes"),
        ({"duration_seconds": 601 * 60}, "1 to 600 minutes"),
    ],
)
def test_corrections_refused(store: Store, change: dict, message: str) -> None:
    session = _resumed_a_day_later(store, counted=True)
    assert session.id is not None
    with pytest.raises(StoreError, match=message):
        store.correct_session_time(session.id, **change)
    assert store.get_session(session.id) == session


def test_an_unfinished_session_cannot_be_corrected(store: Store) -> None:
    session = _session(store)
    assert session.id is not None
    with pytest.raises(StoreError, match="not finished"):
        store.correct_session_time(session.id, duration_seconds=600)


# -- migration from m004 ---------------------------------------------------------------------


@pytest.fixture
def m004_database(tmp_path: Path) -> Path:
    path = tmp_path / "m004.db"
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before="m005_session_periods")
    db.execute(
        "INSERT INTO clients (id, name, created_at) VALUES (1, 'Ana', '2026-11-01T09:00:00')"
    )
    for session_id, ended in ((1, "2026-11-20T11:02:30"), (2, None)):
        db.execute(
            "INSERT INTO sessions (id, client_id, protocol_id, started_at, ended_at) "
            "VALUES (?, 1, 'grow', ?, ?)",
            [session_id, f"2026-11-{19 + session_id}T10:00:00", ended],
        )
    db.execute("INSERT INTO notes VALUES (1, 'done', '2026-11-20T11:00:00')")
    db.execute("INSERT INTO notes VALUES (2, 'open', '2026-11-21T10:40:00')")
    db.conn.commit()
    db.close()
    return path


def test_migration_keeps_finished_durations_and_opens_a_period_for_unfinished(
    m004_database: Path,
) -> None:
    store = Store.open(m004_database)
    try:
        finished, unfinished = store.get_session(1), store.get_session(2)
        assert finished.duration_seconds == 3750 and finished.duration_minutes == 62.5
        assert store.periods(1) == []
        assert unfinished.duration_seconds is None
        [period] = store.periods(2)
        assert period.opened_at == datetime(2026, 11, 21, 10, 0)
        assert period.last_seen_at == datetime(2026, 11, 21, 10, 40)
        assert store.coached_seconds(2) == 2400
        assert [row.seconds for row in hours_log(store).rows] == [3750]
    finally:
        store.close()


# -- export and import -----------------------------------------------------------------------


def test_export_then_import_keeps_durations_and_periods(store: Store) -> None:
    _resumed_a_day_later(store, counted=False)
    _session(store, DAY2 + timedelta(hours=3), name="Ben")  # unfinished, one period
    document = read_export(export_practice(store).to_json())
    other = Store.memory()
    import_practice(other, document)
    durations = {s.started_at: s.duration_seconds for s in other.sessions()}
    assert durations == {DAY1: 3000, DAY2 + timedelta(hours=3): None}
    assert sorted(len(other.periods(s.id)) for s in other.sessions() if s.id) == [1, 2]
    assert [row.seconds for row in hours_log(other).rows] == [3000]


def test_an_older_export_without_durations_imports_end_minus_start(store: Store) -> None:
    _resumed_a_day_later(store, counted=False)
    _session(store, DAY2 + timedelta(hours=3), name="Ben")
    data = json.loads(export_practice(store).to_json())
    data["schema"] = data["schema"][:4]
    del data["session_periods"]
    for session in data["sessions"]:
        del session["duration_seconds"]
    other = Store.memory()
    import_practice(other, read_export(json.dumps(data)))
    finished = other.sessions(finished=True)[0]
    assert finished.duration_seconds == round((DAY2 - DAY1).total_seconds()) + 1200
    unfinished = other.sessions(finished=False)[0]
    assert unfinished.id is not None
    [period] = other.periods(unfinished.id)
    assert period.opened_at == DAY2 + timedelta(hours=3)


# -- companion sessions edit -----------------------------------------------------------------


@pytest.fixture
def finished(store: Store) -> Session:
    return _resumed_a_day_later(store, counted=True)  # 24 h 20 min claimed


def _log_seconds(runner: CliRunner) -> list[int]:
    result = run(runner, "log", "--format", "json")
    assert result.exit_code == 0, result.output
    return [row["seconds"] for row in json.loads(result.stdout)["rows"]]


def test_sessions_edit_minutes_and_the_log_follows(
    runner: CliRunner, store: Store, finished: Session
) -> None:
    assert _log_seconds(runner) == [24 * 3600 + 1200]
    result = run(runner, "sessions", "edit", str(finished.id), "--minutes", "50")
    assert result.exit_code == 0, result.output
    heading, row = result.stdout.splitlines()  # the corrected session, as `sessions` lists it
    assert heading.split() == ["Id", "Started", "Client", "Protocol", "Length", "Topic"]
    assert row.split() == [
        str(finished.id),
        *["2026-11-24", "10:00", "Ana", "Lopez", "grow", "50", "min"],
    ]
    assert _log_seconds(runner) == [3000]
    assert store.get_session(finished.id).ended_at == finished.ended_at  # type: ignore[arg-type]


def test_sessions_edit_started_sets_end_minus_start(
    runner: CliRunner, store: Store, finished: Session
) -> None:
    result = run(runner, "sessions", "edit", str(finished.id), "--started", "2026-11-25 09:30")
    assert result.exit_code == 0, result.output
    assert "50 min" in result.stdout and "2026-11-25 09:30" in result.stdout
    assert _log_seconds(runner) == [3000]


def test_sessions_edit_both_times(runner: CliRunner, store: Store, finished: Session) -> None:
    result = run(
        runner,
        "sessions",
        "edit",
        str(finished.id),
        "--started",
        "2026-11-25T10:00",
        "--ended",
        "2026-11-25 11:00",
        "--minutes",
        "45",
    )
    assert result.exit_code == 0, result.output
    session = store.get_session(finished.id)  # type: ignore[arg-type]
    assert (session.started_at, session.ended_at, session.duration_seconds) == (
        DAY2,
        DAY2 + timedelta(hours=1),
        2700,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["99", "--minutes", "50"], "no session with id 99"),
        (["{id}", "--ended", "2026-11-25"], "not a date and time"),
        (["{id}", "--started", "25/11/2026 10:00"], "not a date"),
        (["{id}", "--minutes", "0"], "1 to 600 minutes"),
        (["{id}", "--minutes", "900"], "1 to 600 minutes"),
        (["{id}", "--ended", "2026-11-23 10:00"], "must be after the start"),
        (["{id}", "--started", "2026-11-25 10:30"], "must be after the start"),
        (["{id}", "--started", "2025-11-25 09:30"], "give the minutes too"),
        (["{id}"], "nothing to change"),
        (["{open}", "--minutes", "30"], "not finished"),
    ],
)
def test_sessions_edit_refusals(
    runner: CliRunner, store: Store, finished: Session, args: list[str], message: str
) -> None:
    unfinished = _session(store, DAY2 + timedelta(hours=5), name="Ben")
    args = [a.format(id=finished.id, open=unfinished.id) for a in args]
    line = one_line_error(run(runner, "sessions", "edit", *args))
    assert message in line
    assert store.get_session(finished.id) == finished  # type: ignore[arg-type]


def test_sessions_still_lists_with_options(runner: CliRunner, finished: Session) -> None:
    result = run(runner, "sessions", "--client", "ana lopez")
    assert result.exit_code == 0, result.output
    assert "1460 min" in result.stdout
