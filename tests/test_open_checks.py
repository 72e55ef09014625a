"""Damaged, newer and foreign files are refused before anything is written (issue 9, point 2)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from companion.cli import cli
from companion.core.models import Client
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
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


# -- read-only practices (issue 9 point 1) ---------------------------------------------------
#
# As root (these tests' usual user) chmod does not stop a write, so the read-only practices are
# real ones: a tmpfs mounted read-only (file, folder and disk), and a file bind-mounted read-only
# over itself (its folder writable). Without root or mount, those tests are skipped.


def _mount(*args: str | Path) -> None:
    subprocess.run(["mount", *map(str, args)], check=True, capture_output=True, timeout=30)


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True, timeout=30)


def _can_mount() -> str | None:
    """Why these tests cannot mount here, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to mount a read-only file system (chmod does not stop root)"
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "needs mount and umount"
    return None


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A real practice on a file system mounted read-only: the file, its folder, its disk."""
    why = _can_mount()
    if why:
        pytest.skip(why)
    disk = tmp_path / "disk"
    disk.mkdir()
    try:
        _mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", disk)
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    try:
        path = make_practice(disk / "practice.db")
        _mount("-o", "remount,ro", disk)
        yield path
    finally:
        _umount(disk)


@pytest.fixture
def read_only_file(tmp_path: Path) -> Iterator[Path]:
    """A real practice whose file is read-only (bind-mounted so over itself); its folder is not."""
    why = _can_mount()
    if why:
        pytest.skip(why)
    path = make_practice(tmp_path / "practice.db")
    try:
        _mount("--bind", path, path)
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"cannot bind-mount here: {error}")
    try:
        _mount("-o", "remount,bind,ro", path)
        yield path
    finally:
        _umount(path)


READ_ONLY = {"read-only disk": "read_only_disk", "read-only file": "read_only_file"}
SAYS = "it is on a read-only file system, and companion saves as you work: copy it"
WRITING = {
    "clients add": ["clients", "add", "Ben Okafor"],
    "forget": ["forget", "--client", "Ana Lopez", "--yes"],
    "sessions edit": ["sessions", "edit", "1", "--minutes", "50"],
}


def refusal_line(result: Result, path: Path, says: str) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and result.stdout == ""
    line = result.stderr
    assert line.count("\n") == 1, line
    assert line.startswith(f"companion: cannot open the practice database {path}: {says}"), line
    assert "--db or $COMPANION_DB; nothing was written to it" in line, line
    return line


@pytest.mark.parametrize("command", list(WRITING))
@pytest.mark.parametrize("case", list(READ_ONLY))
def test_a_writing_command_on_a_read_only_practice_says_so_in_one_line(
    case: str, command: str, request: pytest.FixtureRequest, runner: CliRunner
) -> None:
    path: Path = request.getfixturevalue(READ_ONLY[case])
    before = sha256(path)
    refusal_line(run(runner, "--db", path, *WRITING[command]), path, SAYS)
    assert sha256(path) == before
    assert side_files(path) == []


READING = {
    "sessions": (["sessions"], "Ana Lopez"),
    "sessions --json": (["sessions", "--json"], '"client_name": "Ana Lopez"'),
    "show": (["show", "1"], "wants to open the meeting calmly"),
    "search": (["search", "calmly"], "Ana Lopez"),
    "log": (["log"], "Ana Lopez"),
    "actions": (["actions"], "No actions"),
    "goals": (["goals"], "No goals"),
    "clients list": (["clients", "list"], "Ana Lopez"),
}


@pytest.mark.parametrize("command", list(READING))
@pytest.mark.parametrize("case", list(READ_ONLY))
def test_a_reading_command_reads_a_read_only_practice(
    case: str, command: str, request: pytest.FixtureRequest, runner: CliRunner
) -> None:
    path: Path = request.getfixturevalue(READ_ONLY[case])
    before = sha256(path)
    args, shows = READING[command]
    result = run(runner, "--db", path, *args)
    assert result.exit_code == 0, result.output
    assert shows in result.stdout
    assert result.stderr == (
        f"companion: reading {path} read-only (it is on a read-only file system); commands "
        "that change it are refused\n"
    )
    assert sha256(path) == before
    assert side_files(path) == []


def test_export_copies_a_read_only_practice_somewhere_writable(
    read_only_disk: Path, tmp_path: Path, runner: CliRunner
) -> None:
    before = sha256(read_only_disk)
    result = run(runner, "--db", read_only_disk, "export", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    [exported] = (tmp_path / "out").glob("companion-export-*.json")
    copy = tmp_path / "copy.db"
    assert run(runner, "--db", copy, "import", exported).exit_code == 0
    assert sha256(read_only_disk) == before


def test_store_open_refuses_a_read_only_practice_and_reads_it_when_asked(
    read_only_file: Path,
) -> None:
    before = sha256(read_only_file)
    with pytest.raises(StoreError, match=r"read-only file system.*nothing was written"):
        Store.open(read_only_file)
    store = Store.open(read_only_file, reading=True)
    try:
        assert store.read_only == "it is on a read-only file system"
        assert [c.name for c in store.clients()] == ["Ana Lopez"]
        with pytest.raises(StoreError, match="refused: the practice file is read-only"):
            store.add_client(Client(name="Ben Okafor"))
    finally:
        store.close()
    assert sha256(read_only_file) == before
    assert side_files(read_only_file) == []


def test_a_new_practice_in_a_read_only_folder_says_so(
    read_only_disk: Path, runner: CliRunner
) -> None:
    path = read_only_disk.parent / "new" / "practice.db"
    result = run(runner, "--db", path, "clients", "add", "Ben Okafor")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"companion: cannot create the practice database {path}: {read_only_disk.parent} is on "
        "a read-only file system: give companion a file in a writable folder with --db or "
        "$COMPANION_DB\n"
    )


def access_refusing(monkeypatch: pytest.MonkeyPatch, refused: Path) -> None:
    """access(2) says REFUSED cannot be written, as it would to a coach who is not root."""
    really = os.access

    def access(target: str | os.PathLike[str], mode: int, **kwargs: object) -> bool:
        if Path(target) == refused and mode & os.W_OK:
            return False
        return really(target, mode)

    monkeypatch.setattr(os, "access", access)


def test_a_read_only_file_says_how_to_make_it_writable(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod a-w, seen as a coach who is not root sees it (root writes to a 0444 file)."""
    path = make_practice(tmp_path / "practice.db")
    path.chmod(0o444)
    before = sha256(path)
    access_refusing(monkeypatch, path)
    line = refusal_line(
        run(runner, "--db", path, "clients", "add", "Ben Okafor"),
        path,
        "the file is read-only, and companion saves as you work: make it writable "
        f"(chmod u+w {path})",
    )
    assert "or give companion another file with --db" in line
    assert sha256(path) == before and side_files(path) == []
    result = run(runner, "--db", path, "clients", "list")
    assert result.exit_code == 0 and "Ana Lopez" in result.stdout
    assert "read-only (the file is read-only)" in result.stderr


def test_a_practice_in_a_read_only_folder_says_so(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file writable, its folder not (SQLite could not make its -wal and -shm files): as root
    that is only seen through access(2), so access is what this test narrows."""
    path = make_practice(tmp_path / "folder" / "practice.db")
    before = sha256(path)
    access_refusing(monkeypatch, path.parent)
    line = refusal_line(
        run(runner, "--db", path, "clients", "add", "Ben Okafor"),
        path,
        f"its folder {path.parent} is read-only, and SQLite keeps its journal",
    )
    assert "make the folder writable" in line
    assert sha256(path) == before and side_files(path) == []


def test_a_read_only_file_that_access_calls_writable_is_still_one_line(
    read_only_file: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where access(2) misses it (some network file systems), SQLite's refusal of the first
    write comes out as one line too, and the file is unchanged."""
    before = sha256(read_only_file)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: True)
    result = run(runner, "--db", read_only_file, "clients", "add", "Ben Okafor")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr == (
        f"companion: the practice database {read_only_file} refused: the practice file is "
        "read-only: make the file and its folder writable, then try again\n"
    )
    assert sha256(read_only_file) == before


SCREENS = {
    "start": ["start", "--client", "Ana Lopez"],
    "home": [],
    "review": ["review"],
}


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("case", list(READ_ONLY))
def test_a_screen_on_a_read_only_practice_ends_in_one_line(
    case: str, screen: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The real command in a terminal: no screen left behind, no traceback, exit status 2."""
    from pty_app import RealApp

    path: Path = request.getfixturevalue(READ_ONLY[case])
    before = sha256(path)
    with RealApp(SCREENS[screen], tmp_path / "home", db=path) as app:
        status = app.wait_exit()
    output = app.all_output.decode("utf-8", "replace")
    assert status == 2, output[-2000:]
    assert "Traceback" not in output
    line = f"companion: cannot open the practice database {path}: {SAYS}"
    assert line in " ".join(output.split()), output[-2000:]
    assert sha256(path) == before
    assert side_files(path) == []
