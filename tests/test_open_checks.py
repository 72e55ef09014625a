"""Damaged, newer and foreign files are refused before anything is written (issue 9, point 2)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from companion.cli import cli
from companion.models import Client
from companion.practice import begin_session
from companion.protocols import ProtocolLibrary
from companion.store import Store, StoreError

PAGE = 4096


def run(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(cli, [str(arg) for arg in args], prog_name="companion")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[Path]:
    return [side for side in (Path(f"{path}-wal"), Path(f"{path}-shm")) if side.exists()]


def make_practice(path: Path) -> Path:
    """A real practice: a client and a few finished sessions with notes, closed."""
    store = Store.open(path)
    protocols = ProtocolLibrary.discover(include_user=False)
    store.add_client(Client(name="Ana Lopez"))
    for number in range(5):
        session = begin_session(store, protocols, "Ana Lopez", protocol_id="grow")
        assert session.id is not None
        store.save_notes(session.id, f"Session {number}: wants to open the meeting calmly. " * 80)
        store.finish_session(session.id, takeaways=[f"takeaway {number}"])
    store.close()
    assert side_files(path) == []
    return path


def corrupted(tmp_path: Path) -> Path:
    path = make_practice(tmp_path / "corrupted.db")
    assert path.stat().st_size > 10 * PAGE
    with path.open("r+b") as file:  # page 3, a b-tree page, becomes garbage
        file.seek(2 * PAGE)
        file.write(b"garbage!" * (PAGE // 8))
    return path


def newer(tmp_path: Path) -> Path:
    path = make_practice(tmp_path / "newer.db")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('companion', 'm999_from_the_future', '2030-01-01 00:00:00+00:00')"
        )
    connection.close()
    return path


def foreign(tmp_path: Path) -> Path:
    path = tmp_path / "things.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO things (name) VALUES ('a lamp')")
    connection.close()
    return path


def foreign_clients(tmp_path: Path) -> Path:
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, company TEXT)")
        connection.execute("INSERT INTO clients (company) VALUES ('Acme')")
    connection.close()
    return path


def foreign_wal(tmp_path: Path) -> Path:
    """Another program's file in WAL mode: reading it must not leave -wal or -shm behind."""
    path = tmp_path / "wal.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    return path


def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("Monday: call Ana about the meeting\n", encoding="utf-8")
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupted pages": (corrupted, "it is damaged"),
    "newer migration": (newer, "newer companion"),
    "foreign file": (foreign, "another program's"),
    "foreign clients table": (foreign_clients, "another program's"),
    "foreign file in WAL mode": (foreign_wal, "another program's"),
    "not SQLite": (text_file, "not an SQLite database"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_refused_before_anything_is_written(case: str, tmp_path: Path, runner: CliRunner) -> None:
    make, words = CASES[case]
    path = make(tmp_path)
    before = sha256(path)
    result = run(runner, "--db", path, "sessions")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    line = result.stderr
    assert line.startswith("companion: ") and line.count("\n") == 1, line
    assert f"cannot open the practice database {path}: it " in line, line
    assert words in line, line
    assert sha256(path) == before
    assert side_files(path) == []


@pytest.mark.parametrize("case", list(CASES))
def test_store_open_raises_store_error(case: str, tmp_path: Path) -> None:
    path = CASES[case][0](tmp_path)
    before = sha256(path)
    with pytest.raises(StoreError, match="nothing was written"):
        Store.open(path)
    assert sha256(path) == before
    assert side_files(path) == []


def test_the_messages_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"damaged.*doctor.*restore a backup"):
        Store.open(corrupted(tmp_path))
    with pytest.raises(StoreError, match=r"m999_from_the_future.*upgrade companion"):
        Store.open(newer(tmp_path))
    with pytest.raises(StoreError, match="tables clients"):
        Store.open(foreign_clients(tmp_path))


def test_a_new_path_becomes_a_practice(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "new" / "practice.db"
    result = run(runner, "--db", path, "clients", "add", "Ana Lopez")
    assert result.exit_code == 0, result.output
    store = Store.open(path)
    assert [client.name for client in store.clients()] == ["Ana Lopez"]
    store.close()


def test_an_empty_file_becomes_a_practice(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    result = run(runner, "--db", path, "clients", "add", "Ana Lopez")
    assert result.exit_code == 0, result.output
    assert sha256(path) != hashlib.sha256(b"").hexdigest()


def test_an_empty_database_becomes_a_practice(tmp_path: Path) -> None:
    """An SQLite file with no tables (only a setting written) is nobody's yet."""
    path = tmp_path / "blank.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 0")
    connection.execute("VACUUM")
    connection.close()
    Store.open(path).close()


def test_a_first_open_interrupted_after_the_record_table_is_finished(tmp_path: Path) -> None:
    path = tmp_path / "interrupted.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, "
            "name TEXT, applied_at TEXT)"
        )
    connection.close()
    store = Store.open(path)
    store.add_client(Client(name="Ana Lopez"))
    store.close()


def test_an_older_practice_is_migrated(tmp_path: Path) -> None:
    """A practice missing this version's last migration is companion's: it is brought up."""
    path = make_practice(tmp_path / "older.db")
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE session_leases")
        connection.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_session_leases'")
    connection.close()
    store = Store.open(path)
    assert store.db["session_leases"].exists()
    store.close()


def test_a_practice_open_in_another_window_opens(tmp_path: Path) -> None:
    path = make_practice(tmp_path / "shared.db")
    first = Store.open(path)
    assert side_files(path)  # the first window's -wal and -shm
    second = Store.open(path)
    assert [client.name for client in second.clients()] == ["Ana Lopez"]
    second.close()
    first.close()


def test_reopening_a_good_practice_leaves_no_side_files(tmp_path: Path) -> None:
    path = make_practice(tmp_path / "good.db")
    Store.open(path).close()
    assert side_files(path) == []


# -- companion doctor ------------------------------------------------------------------------


def test_doctor_on_a_fresh_practice(tmp_path: Path, runner: CliRunner) -> None:
    path = make_practice(tmp_path / "fresh.db")
    before = sha256(path)
    result = run(runner, "doctor", "--db", path)
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout
    for check in ("integrity: ok", "references: ok", "search index: ok", "notes_fts"):
        assert check in result.stdout
    assert "All is well." in result.stdout
    assert "FAIL" not in result.stdout
    assert sha256(path) == before
    assert side_files(path) == []


def test_doctor_takes_the_global_db(tmp_path: Path, runner: CliRunner) -> None:
    path = make_practice(tmp_path / "fresh.db")
    result = run(runner, "--db", path, "doctor")
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_doctor_reports_what_open_refuses(case: str, tmp_path: Path, runner: CliRunner) -> None:
    path = CASES[case][0](tmp_path)
    before = sha256(path)
    result = run(runner, "doctor", "--db", path)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "FAIL" in result.stdout
    assert sha256(path) == before
    assert side_files(path) == []


def test_doctor_reports_corrupted_pages(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, "doctor", "--db", corrupted(tmp_path))
    assert result.exit_code == 2
    assert "FAIL  integrity" in result.stdout


def test_doctor_reports_a_damaged_search_index(tmp_path: Path, runner: CliRunner) -> None:
    path = make_practice(tmp_path / "index.db")
    with sqlite3.connect(path) as connection:  # the index loses its rows; notes keep theirs
        connection.execute("DELETE FROM notes_fts_data WHERE id > 10")
    connection.close()
    result = run(runner, "doctor", "--db", path)
    assert result.exit_code == 2, result.output
    assert "FAIL  search index: notes_fts" in result.stdout


def test_doctor_on_a_missing_file(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "nowhere.db"
    result = run(runner, "doctor", "--db", path)
    assert result.exit_code == 2
    assert "no practice" in result.stdout
    assert not path.exists()
