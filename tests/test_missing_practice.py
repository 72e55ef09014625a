"""A command that only reads never creates the practice: a mistyped --db (or $COMPANION_DB) is
refused in one line, exit 2, and leaves no file or folder; the default place with no practice yet
answers as an empty practice, creating nothing. Commands that write still create it, privately."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.cli import cli
from companion.store import Store

READERS = {
    "sessions": ["sessions"],
    "sessions --json": ["sessions", "--json"],
    "sessions --client": ["sessions", "--client", "Ana Lopez"],
    "show": ["show", "1"],
    "recap": ["recap", "1"],
    "search": ["search", "calmly"],
    "actions": ["actions"],
    "goals": ["goals"],
    "clients list": ["clients", "list"],
    "engagement show": ["engagement", "show", "--client", "Ana Lopez"],
    "log": ["log"],
    "log csv": ["log", "--format", "csv"],
    "credential": ["credential"],
    "calendar": ["calendar", "--stdout"],
    "export": ["export", "--format", "json", "--out", "EXPORTS"],
}


def _args(args: list[str], tmp_path: Path) -> list[str]:
    return [str(tmp_path / "exports") if arg == "EXPORTS" else arg for arg in args]


def _everything(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*"))


@pytest.fixture
def before(tmp_path: Path) -> list[Path]:
    return _everything(tmp_path)


@pytest.mark.parametrize("command", list(READERS))
def test_a_reader_refuses_a_mistyped_db_and_creates_nothing(
    command: str, runner: CliRunner, tmp_path: Path, before: list[Path]
) -> None:
    typo = tmp_path / "no such folder" / "typo.db"
    line = one_line_error(run(runner, "--db", str(typo), *_args(READERS[command], tmp_path)))
    assert line == (
        f"companion: there is no practice at {typo} (no such file): check the path, or begin "
        f"one there with `companion --db '{typo}' start`"
    )
    assert _everything(tmp_path) == before  # no file, no folder, no export


@pytest.mark.parametrize("command", ["sessions", "log", "engagement show"])
def test_a_reader_refuses_an_empty_file_and_leaves_it_empty(
    command: str, runner: CliRunner, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    line = one_line_error(run(runner, "--db", str(empty), *READERS[command]))
    assert f"there is no practice at {empty} (an empty file): check the path" in line
    assert empty.stat().st_size == 0
    assert sorted(tmp_path.iterdir()) == [empty]  # no -wal, no -shm


@pytest.mark.parametrize("command", ["sessions", "log", "credential"])
def test_a_reader_refuses_a_missing_companion_db(
    command: str, runner: CliRunner, db_path: Path, before: list[Path], tmp_path: Path
) -> None:
    assert not db_path.exists()  # conftest points $COMPANION_DB at a file not made yet
    line = one_line_error(run(runner, *READERS[command]))
    assert line == (
        f"companion: there is no practice at {db_path}, which $COMPANION_DB names (no such "
        "file): check $COMPANION_DB, or begin one there with `companion start`"
    )
    assert _everything(tmp_path) == before


@pytest.fixture
def default_place(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Neither --db nor $COMPANION_DB: the user data folder, where nothing exists yet."""
    monkeypatch.delenv("COMPANION_DB")
    data = tmp_path / "data"
    assert not data.exists()
    return data


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["sessions"], "No sessions yet.\n"),
        (["sessions", "--json"], "[]\n"),
        (["clients", "list"], "No clients yet: add one with `companion clients add NAME`.\n"),
        (["search", "calmly"], "No matches for 'calmly'.\n"),
        (["actions"], "No actions.\n"),
        (["log"], "No finished sessions (all sessions): no coaching hours to log.\n"),
    ],
)
def test_the_first_read_at_the_default_place_is_an_empty_practice_and_creates_nothing(
    args: list[str], says: str, runner: CliRunner, default_place: Path
) -> None:
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == says
    assert result.stderr == ""  # no "read-only" note: nothing is wrong, nothing was begun
    assert not default_place.exists()


def test_a_missing_record_at_the_default_place_is_the_usual_refusal(
    runner: CliRunner, default_place: Path
) -> None:
    assert one_line_error(run(runner, "show", "3")) == "companion: no session with id 3"
    assert not default_place.exists()


def test_writers_still_create_the_practice_privately_on_first_use(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "new folder" / "practice.db"
    result = run(runner, "--db", str(path), "clients", "add", "Ana Lopez")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert "Ana Lopez" in run(runner, "--db", str(path), "clients", "list").stdout


def test_a_writer_at_the_default_place_creates_it(runner: CliRunner, default_place: Path) -> None:
    assert run(runner, "clients", "add", "Ana Lopez").exit_code == 0
    path = default_place / "companion" / "companion.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Ana Lopez" in run(runner, "clients", "list").stdout


def test_the_stand_in_for_a_practice_not_begun_refuses_writes(default_place: Path) -> None:
    from companion.core.models import Client
    from companion.store import StoreError

    store = Store.open(reading=True)
    try:
        assert store.not_begun and store.clients() == []
        with pytest.raises(StoreError, match="refused"):
            store.add_client(Client(name="Ana Lopez"))
    finally:
        store.close()
    assert not default_place.exists()


def test_an_encrypted_practice_still_opens_for_reading(
    runner: CliRunner, sample: Any, db_path: Path
) -> None:
    pytest.importorskip("sqlcipher3", reason="SQLCipher not installed")
    from encryption_helpers import SECRET, closed_plain, encrypt

    closed_plain(sample, db_path)
    encrypt(runner)
    env = {"COMPANION_PASSPHRASE": SECRET}
    result = runner.invoke(cli, ["sessions"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Ana Lopez" in result.stdout
    typo = db_path.with_name("typo.db")
    missing = runner.invoke(cli, ["--db", str(typo), "sessions"], env=env)
    assert "there is no practice at" in one_line_error(missing)
    assert not typo.exists()


# -- the real program, in its own process ----------------------------------------------------


@pytest.mark.parametrize("args", [["sessions"], ["log"]])
def test_the_program_refuses_a_mistyped_db_in_one_line(args: list[str], tmp_path: Path) -> None:
    typo = tmp_path / "nonexistent" / "dir" / "x.db"
    done = subprocess.run(
        [sys.executable, "-m", "companion", "--db", str(typo), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"companion: there is no practice at {typo} (no such file)")
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("named_by", ["--db", "$COMPANION_DB"])
def test_the_review_refuses_a_mistyped_practice_before_its_screen(
    named_by: str, tmp_path: Path
) -> None:
    from pty_app import RealApp

    typo = tmp_path / "nonexistent" / "x.db"
    args = ["--db", str(typo), "review"] if named_by == "--db" else ["review"]
    with RealApp(args, tmp_path, db=typo if named_by != "--db" else tmp_path / "p.db") as app:
        assert app.wait_exit() == 2
    output = app.all_output.decode()
    assert "Traceback" not in output and "\x1b[?1049h" not in output  # no full screen drawn
    [line] = output.strip().splitlines()
    assert line.startswith(f"companion: there is no practice at {typo}")
    assert named_by in line
    assert not (tmp_path / "nonexistent").exists()
    assert not (tmp_path / "p.db").exists()
