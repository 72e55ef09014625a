"""A practice from every schema version (tests/fixtures/schemas) opens with every row intact.

The fixtures are checked in and made by tests/make_schema_fixtures.py; each test works on a copy,
never on the checked-in file. A file carrying a migration this companion does not know is
refused without being changed.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from make_schema_fixtures import (
    ALL,
    FIXTURES,
    LEASES_FROM,
    PERIODS,
    PERIODS_FROM,
    ZOE,
    fixture_path,
    rows_at,
)

from companion.store import Store, StoreError

REMAKE = "run `.venv/bin/python tests/make_schema_fixtures.py` and commit tests/fixtures/schemas"
VERSIONS = list(range(1, len(ALL) + 1))
PKS = {"notes": "session_id", "session_leases": "session_id", "recap_edits": "session_id, format"}


def _raw(path: Path, table: str) -> list[dict[str, object]]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute(f"SELECT * FROM {table} ORDER BY {PKS.get(table, 'id')}")
        return [dict(row) for row in rows]
    finally:
        connection.close()


def _recorded(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'companion' ORDER BY rowid"
        )
        return [name for (name,) in rows]
    finally:
        connection.close()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(version: int, tmp_path: Path) -> Path:
    source = fixture_path(version)
    assert source.is_file(), f"{source} is missing: {REMAKE}"
    copy = tmp_path / source.name
    shutil.copyfile(source, copy)
    return copy


def _expected_after_open(version: int) -> dict[str, list[dict[str, object]]]:
    """The rows the current code must show: the fixture's, plus what later migrations derive."""
    latest = rows_at(len(ALL))
    expected = rows_at(version)
    # m005 keeps end minus start for finished sessions and gives each unfinished session one
    # period, from its start to its notes' last save: the first two periods of newer fixtures.
    expected["sessions"] = latest["sessions"]
    expected.setdefault("session_periods", [dict(row) for row in PERIODS[:2]])
    expected.setdefault("session_leases", [])
    expected.setdefault("recap_edits", [])  # m011: no recap edited before it
    for row in expected["engagements"]:  # m007: no contact recorded yet, consent assumed
        row.setdefault("sponsor_contact", "")
        row.setdefault("log_consent", 1)
    for row in expected["goals"]:  # m010: no status day nor earlier version recorded yet
        row.setdefault("status_on", None)
        row.setdefault("adjusted_from", None)
    return expected


@pytest.fixture(params=VERSIONS, ids=[f"v{version:03d}" for version in VERSIONS])
def version(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def opened(version: int, tmp_path: Path) -> Iterator[Store]:
    store = Store.open(_copy(version, tmp_path))
    yield store
    store.close()


def test_every_fixture_is_as_the_script_makes_it(version: int) -> None:
    path = fixture_path(version)
    assert path.is_file(), f"{path} is missing: {REMAKE}"
    assert _recorded(path) == ALL[:version], REMAKE
    for table, rows in rows_at(version).items():
        assert _raw(path, table) == rows, f"{path.name} {table}: {REMAKE}"
    assert not Path(f"{path}-wal").exists()
    assert path.stat().st_size < 64 * 1024


def test_the_fixtures_are_up_to_date() -> None:
    """Adding a migration without a fixture for it fails here."""
    found = sorted(path.name for path in FIXTURES.glob("*.db"))
    assert found == [fixture_path(version).name for version in VERSIONS], (
        f"the code has {len(ALL)} migrations but the fixtures are {found}: {REMAKE}"
    )
    newest = fixture_path(len(ALL))
    assert _recorded(newest) == ALL, f"{newest.name} is not at the latest schema: {REMAKE}"


def test_every_row_is_intact_after_opening(version: int, opened: Store) -> None:
    assert [m["name"] for m in opened.db["_sqlite_migrations"].rows_where(order_by="rowid")] == ALL
    for table, rows in _expected_after_open(version).items():
        found = list(opened.db[table].rows_where(order_by=PKS.get(table, "id")))
        assert found == rows, table


def test_every_row_reads_back_as_a_model(version: int, opened: Store) -> None:
    store = opened
    assert [client.name for client in store.clients()] == ["Ana Lopez", "Bruno", ZOE]
    assert store.find_client("ana lopez").contact == "ana@example.org"  # type: ignore[union-attr]
    zoe = store.client_named(ZOE)
    assert (zoe.id, zoe.contact, zoe.created_at) == (3, "zoë@example.org", datetime(2026, 9, 3, 9))

    engagement = store.get_engagement(1)
    assert engagement.is_three_party and engagement.billing == "pro_bono"
    assert engagement.end_date == date(2027, 3, 1)
    assert [goal.specific for goal in store.goals(3)] == ["Rentrer à temps plein"]
    assert store.get_goal(1).status == "adjusted"

    first = store.get_session(1)
    assert (first.mode, first.agreement.topic) == ("phone", "Delegation to the juniors")
    assert first.ended_at == datetime(2026, 9, 8, 11) and first.next_session_on == date(2026, 9, 22)
    third = store.get_session(3)
    assert (third.mode, third.planned_minutes, third.current_step) == ("in-person", 45, 2)
    assert third.agreement.topic == "Retour après le congé sabbatique"
    assert [s.id for s in store.unfinished_sessions()] == [3, 2]

    assert store.get_notes(1).text == "## Reality\nFeels guilty about the marathon training."
    notes = store.get_notes(3)
    assert notes.text == (
        "## Réalité\nBack from the sabbatical in Kyoto, café every morning.\n"
        "// private: sounds exhausted\n"
    )
    assert notes.updated_at == datetime(2026, 9, 10, 14, 40)
    assert store.get_notes(2).text == ""

    assert [t.step_id for t in store.step_timings(3)] == ["agreement", "reality"]
    assert [a.text for a in store.actions(1)] == [
        "Hand the weekly report to Lea",
        "Send the article on feedback",
    ]
    action = store.actions(3)[0]
    assert (action.text, action.due_on, action.goal_id) == (
        "Écrire à l'équipe avant lundi",
        date(2026, 9, 14),
        2,
    )
    assert store.get_action(2).closed_at == datetime(2026, 9, 10, 8)
    assert [t.text for t in store.takeaways(1)] == [
        "Perfectionism is slowing the team down",
        "Déléguer n'est pas abandonner",
    ]
    assert [s.score for s in store.goal_scores(goal_id=1)] == [4]
    assert [(s.session_id, s.score) for s in store.goal_scores(goal_id=2)] == [(3, 7)]

    lease = store.live_lease(3, datetime(2026, 9, 10, 15, 5, 10), host="another-host")
    if version >= LEASES_FROM:
        assert lease is not None and (lease.token, lease.pid) == ("fixture-token", 4242)
    else:
        assert lease is None


def test_old_text_is_searchable(opened: Store) -> None:
    kinds = {
        word: {(hit.kind, hit.session_id) for hit in opened.search(word)}
        for word in ["marathon", "kyoto", "cafe", "sabbatique", "weekly", "ecrire", "deleguer"]
    }
    assert kinds == {
        "marathon": {("notes", 1)},
        "kyoto": {("notes", 3)},
        "cafe": {("notes", 3)},  # diacritics folded
        "sabbatique": {("agreement", 3)},
        "weekly": {("action", 1), ("goal", None)},  # goals are searched too (m011)
        "ecrire": {("action", 3)},
        "deleguer": {("takeaway", 1)},
    }
    assert [hit.client_name for hit in opened.search("kyoto")] == [ZOE]
    opened.save_notes(2, "First meeting: talked about sailing")  # the triggers still index
    assert [hit.session_id for hit in opened.search("sailing")] == [2]


def test_time_in_session(version: int, opened: Store) -> None:
    for session in opened.sessions():
        if session.is_finished:
            assert session.ended_at is not None
            elapsed = (session.ended_at - session.started_at).total_seconds()
            assert session.duration_seconds == int(elapsed) == 3600
        else:
            assert session.duration_seconds is None
            assert opened.periods(session.id), session.id  # type: ignore[arg-type]
    periods = [(p.opened_at, p.last_seen_at) for p in opened.periods(3)]
    expected = [(datetime(2026, 9, 10, 14), datetime(2026, 9, 10, 14, 40))]
    if version >= PERIODS_FROM:
        expected.append((datetime(2026, 9, 10, 14, 50), datetime(2026, 9, 10, 15, 5)))
    assert periods == expected


def test_a_fixture_from_a_newer_companion_is_refused(version: int, tmp_path: Path) -> None:
    copy = _copy(version, tmp_path)
    connection = sqlite3.connect(copy)
    with connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('companion', 'm999_from_the_future', '2030-01-01 00:00:00+00:00')"
        )
    connection.close()
    before = _sha256(copy)
    with pytest.raises(StoreError, match=r"newer companion.*m999_from_the_future"):
        Store.open(copy)
    assert _sha256(copy) == before
    assert not Path(f"{copy}-wal").exists()


def test_the_checked_in_fixtures_are_never_opened_in_place() -> None:
    for version in VERSIONS:
        path = fixture_path(version)
        assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists(), path
