"""The command line through click's CliRunner: output, one-line errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from companion import __version__
from companion.cli import cli
from companion.cli.common import (
    DATE,
    CompanionGroup,
    Practice,
    UserError,
    client_or_fail,
    echo_json,
    pass_practice,
)
from companion.core.models import Client
from companion.core.protocols import ProtocolError, builtin_protocols_dir, user_protocols_dir
from companion.store import Store, StoreError

GOOD = (builtin_protocols_dir() / "grow.toml").read_text(encoding="utf-8")


def run(runner: CliRunner, *args: str | Path) -> Result:
    return runner.invoke(cli, [str(arg) for arg in args], prog_name="companion")


def assert_user_error(result: Result, *words: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr naming the problem, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not an unhandled exception
    assert result.stdout == ""
    assert "Traceback" not in result.output
    line = result.stderr
    assert line.endswith("\n") and line.count("\n") == 1, line
    assert line.startswith("companion: ")
    for word in words:
        assert word in line, (word, line)
    return line


# -- version and help -----------------------------------------------------------------------


def test_version(runner: CliRunner) -> None:
    result = run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout == f"companion, version {__version__}\n"


def test_python_dash_m_companion_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "companion", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"companion, version {__version__}\n"


def test_no_arguments_does_not_crash(runner: CliRunner) -> None:
    # Without a terminal (as here) it says what it can do; in a terminal it opens the home screen.
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert "Usage: companion" in result.stdout
    for command in ("clients", "protocols"):
        assert command in result.stdout


@pytest.mark.parametrize("group", ["clients", "protocols"])
def test_a_group_alone_shows_its_help(runner: CliRunner, group: str) -> None:
    result = run(runner, group)
    assert result.exit_code == 0
    assert f"Usage: companion {group}" in result.stdout
    assert "list" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--bogus"], ["No such option '--bogus'", "companion --help"]),
        (["clients", "lst"], ["No such command 'lst'", "Did you mean 'list'?"]),
        (["clients", "add"], ["Missing argument 'NAME'", "companion clients add --help"]),
        (["protocols", "show"], ["Missing argument 'PROTOCOL_ID'"]),
        (["protocols", "validate"], ["Missing argument 'FILES...'"]),
        (["clients", "list", "--jsn"], ["No such option '--jsn'", "--json"]),
    ],
)
def test_usage_errors_are_one_line(runner: CliRunner, args: list[str], words: list[str]) -> None:
    assert_user_error(run(runner, *args), *words)


# -- protocols ------------------------------------------------------------------------------


def test_protocols_list_says_where_each_comes_from(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one line a protocol
    result = run(runner, "protocols", "list")
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["Id", "Kind", "Length", "Steps", "Name", "From"]
    assert [line.split()[0] for line in lines][:5] == [
        "first",
        "grow",
        "life-purpose",
        "review",
        "closing",
    ]
    grow = next(line for line in lines if line.startswith("grow "))
    assert "GROW coaching session" in grow
    assert "60 min" in grow and "7 steps" in grow
    assert f"[built-in: {builtin_protocols_dir() / 'grow.toml'}]" in grow
    assert result.stderr == ""


def test_protocols_list_json(runner: CliRunner) -> None:
    result = run(runner, "protocols", "list", "--json")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    by_id = {item["id"]: item for item in listed}
    assert {"first", "grow", "life-purpose", "review", "closing"} <= set(by_id)
    assert by_id["grow"]["origin"] == "built-in"
    assert by_id["grow"]["steps"] == 7
    assert by_id["grow"]["kind"] == "regular"
    assert Path(by_id["grow"]["path"]).name == "grow.toml"


def test_a_user_protocol_replaces_a_builtin_and_says_so(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one line a protocol
    user = user_protocols_dir()
    user.mkdir(parents=True)
    (user / "grow.toml").write_text(GOOD.replace("GROW coaching session", "My own GROW"))
    (user / "broken.toml").write_text('id = "broken"\nname = ')
    result = run(runner, "protocols", "list")
    assert result.exit_code == 0
    grow = next(line for line in result.stdout.splitlines() if line.startswith("grow "))
    assert "My own GROW" in grow
    assert f"[user: {user / 'grow.toml'}, replaces the built-in one]" in grow
    first = next(line for line in result.stdout.splitlines() if line.startswith("first "))
    assert first.endswith(f"[built-in: {builtin_protocols_dir() / 'first.toml'}]")
    assert "first " in result.stdout  # the broken file hides nothing
    assert result.stderr.startswith(f"skipped: {user / 'broken.toml'}: not valid TOML: ")
    assert result.stderr.count("\n") == 1


def test_protocols_dir_option_is_searched_last(runner: CliRunner, tmp_path: Path) -> None:
    user = user_protocols_dir()
    user.mkdir(parents=True)
    (user / "grow.toml").write_text(GOOD.replace("GROW coaching session", "User GROW"))
    extra = tmp_path / "team"
    extra.mkdir()
    (extra / "grow.toml").write_text(GOOD.replace("GROW coaching session", "Team GROW"))
    result = run(runner, "--protocols-dir", extra, "protocols", "list", "--json")
    assert result.exit_code == 0
    grow = next(item for item in json.loads(result.stdout) if item["id"] == "grow")
    assert (grow["name"], grow["origin"]) == ("Team GROW", "extra")
    assert grow["replaces"] == str(user / "grow.toml")


def test_protocols_show(runner: CliRunner) -> None:
    result = run(runner, "protocols", "show", "grow")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("GROW coaching session (grow, regular, 60 min)")
    assert "1. Session agreement (5 min)  [captures: agreement]" in out
    assert "   - What would you like to focus on today?" in out
    assert "Options" in out and "Will" in out


def test_protocols_show_toml_prints_the_file(runner: CliRunner) -> None:
    result = run(runner, "protocols", "show", "grow", "--toml")
    assert result.exit_code == 0
    assert result.stdout == GOOD


def test_protocols_show_json(runner: CliRunner) -> None:
    result = run(runner, "protocols", "show", "grow", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["id"] == "grow" and len(data["steps"]) == 7


def test_protocols_show_unknown(runner: CliRunner) -> None:
    assert_user_error(run(runner, "protocols", "show", "nope"), "unknown protocol 'nope'", "grow")


def test_protocols_validate_good_files(runner: CliRunner) -> None:
    files = sorted(builtin_protocols_dir().glob("*.toml"))
    result = run(runner, "protocols", "validate", *files)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok (") == len(files)
    assert f"{files[0]}: ok (" in result.stdout


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('id = "x"\nname = \n', ["not valid TOML", "line 2"]),
        (GOOD.replace('kind = "regular"', 'kind = "weekly"'), ["kind:", "found a string 'weekly'"]),
        (GOOD.replace("minutes = 8\n", 'minutes = "8"\n', 1), ["steps[2].minutes:", "integer"]),
        (GOOD.replace("duration_minutes = 60", "duration_minutes = 30"), ["steps:", "add up to"]),
        (GOOD.replace('capture = "actions"', 'capture = "todo"'), ["steps[5].capture:"]),
        (GOOD.replace('id = "reality"', 'id = "goal"'), ["step id 'goal' is used twice"]),
        (GOOD + 'colour = "blue"\n', ["steps[6].colour: unknown field"]),
    ],
)
def test_protocols_validate_bad_file(
    runner: CliRunner, tmp_path: Path, text: str, words: list[str]
) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(text)
    result = runner.invoke(cli, ["protocols", "validate", str(path)], prog_name="companion")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    line = result.stderr
    assert line.count("\n") == 1 and line.startswith(f"companion: {path}: ")
    for word in words:
        assert word in line


def test_protocols_validate_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "protocols", "validate", builtin_protocols_dir())
    assert result.exit_code == 0
    assert result.stdout.count(": ok (") == len(list(builtin_protocols_dir().glob("*.toml")))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_user_error(run(runner, "protocols", "validate", empty), "no .toml files in this folder")


def test_protocols_validate_reports_each_file(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('kind = "regular"', 'kind = "weekly"'))
    result = run(runner, "protocols", "validate", good, bad, tmp_path / "missing.toml")
    assert result.exit_code == 2
    assert result.stdout == f"{good}: ok (grow, 7 steps)\n"
    assert f"{bad}: kind:" in result.stderr
    assert f"{tmp_path / 'missing.toml'}: cannot read: No such file or directory" in result.stderr
    assert result.stderr.count("\n") == 2  # one line a problem


# -- clients --------------------------------------------------------------------------------


def test_clients_add_and_list(runner: CliRunner, db_path: Path, store: Store) -> None:
    result = run(runner, "clients", "list")
    assert result.exit_code == 0
    assert "No clients yet" in result.stdout

    result = run(runner, "clients", "add", "Ana Lopez", "--contact", "ana@example.org")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Added client 1: Ana Lopez\n"
    assert run(runner, "clients", "add", "Bruno").exit_code == 0

    result = run(runner, "clients", "list")
    assert result.exit_code == 0
    assert [line.split(maxsplit=1) for line in result.stdout.splitlines()] == [
        ["Id", "Name       Contact"],
        ["1", "Ana Lopez  ana@example.org"],
        ["2", "Bruno"],
    ]

    store = Store.open(db_path)  # written to the database COMPANION_DB names
    try:
        assert [c.name for c in store.clients()] == ["Ana Lopez", "Bruno"]
    finally:
        store.close()


def test_clients_list_json(runner: CliRunner) -> None:
    run(runner, "clients", "add", "Ana Lopez", "--contact", "ana@example.org")
    result = run(runner, "clients", "list", "--json")
    assert result.exit_code == 0
    [client] = json.loads(result.stdout)
    assert client["id"] == 1
    assert client["name"] == "Ana Lopez"
    assert client["contact"] == "ana@example.org"
    assert "created_at" in client


def test_clients_list_json_when_empty(runner: CliRunner, store: Store) -> None:
    result = run(runner, "clients", "list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_clients_add_duplicate(runner: CliRunner) -> None:
    assert run(runner, "clients", "add", "Ana Lopez").exit_code == 0
    assert_user_error(
        run(runner, "clients", "add", "ana lopez"), "already a client called 'Ana Lopez'"
    )


@pytest.mark.parametrize("name", ["", "   "])
def test_clients_add_needs_a_name(runner: CliRunner, name: str) -> None:
    assert_user_error(run(runner, "clients", "add", name), "a client needs a name")


# -- the database option --------------------------------------------------------------------


def test_db_option_chooses_the_database(runner: CliRunner, tmp_path: Path, db_path: Path) -> None:
    other = tmp_path / "other" / "practice.db"
    assert run(runner, "--db", other, "clients", "add", "Ana").exit_code == 0
    assert other.exists()
    assert "Ana" in run(runner, "--db", other, "clients", "list").stdout
    assert not db_path.exists()  # COMPANION_DB's was not touched


def test_companion_db_variable_chooses_the_database(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = tmp_path / "chosen.db"
    monkeypatch.setenv("COMPANION_DB", str(chosen))
    assert run(runner, "clients", "add", "Ana").exit_code == 0
    assert chosen.exists()


def test_db_option_directory(runner: CliRunner, tmp_path: Path) -> None:
    assert_user_error(run(runner, "--db", tmp_path, "clients", "list"), "is a directory")


def test_db_option_under_a_file(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    assert_user_error(
        run(runner, "--db", blocker / "practice.db", "clients", "list"),
        "cannot open the practice database",
        "Not a directory",
    )


def test_db_option_in_a_place_that_cannot_be_written(runner: CliRunner) -> None:
    assert_user_error(
        run(runner, "--db", "/proc/companion/practice.db", "clients", "add", "Ana"),
        "cannot open the practice database /proc/companion/practice.db",
    )


def test_db_option_not_a_database(runner: CliRunner, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database " * 200)
    assert_user_error(
        run(runner, "--db", notes, "clients", "list"), "cannot open the practice database"
    )
    assert notes.read_text() == "my notes, not a database " * 200  # left untouched


def test_companion_db_variable_bad(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COMPANION_DB", str(tmp_path))
    assert_user_error(run(runner, "clients", "list"), "cannot open the practice database")


def test_protocol_commands_do_not_open_the_database(runner: CliRunner, db_path: Path) -> None:
    assert run(runner, "protocols", "list").exit_code == 0
    assert not db_path.exists()


# -- commands that show no screen never import Textual --------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["protocols", "list"],
        ["protocols", "show", "grow"],
        ["protocols", "validate", str(builtin_protocols_dir() / "grow.toml")],
        ["clients", "list"],
        ["clients", "add", "Ana"],
        ["--version"],
    ],
)
def test_commands_without_a_screen_never_import_textual(args: list[str], store: Store) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from companion.cli import cli
        code = cli.main({args!r}, prog_name="companion", standalone_mode=False)
        assert code == 0, code
        loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
        print(loaded)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


# -- what every command shares (cli/common.py) ----------------------------------------------


@pytest.fixture
def toy() -> click.Group:
    """A throwaway command group built like `companion`, to test the shared error handling."""

    @click.group(cls=CompanionGroup)
    @click.pass_context
    def group(ctx: click.Context) -> None:
        ctx.obj = Practice()
        ctx.call_on_close(ctx.obj.close)

    @group.command()
    @click.argument("kind")
    def fail(kind: str) -> None:
        if kind == "store":
            raise StoreError("no session with id 9")
        if kind == "protocol":
            raise ProtocolError("mine.toml: kind: bad\nvalue")
        if kind == "record":
            Client(name="  ")
        if kind == "user":
            raise UserError("that is not how it works")

    @group.command()
    @click.option("--on", type=DATE, required=True)
    def when(on: date) -> None:
        click.echo(on.isoformat())

    @group.command()
    @click.argument("name")
    @pass_practice
    def who(practice: Practice, name: str) -> None:
        click.echo(client_or_fail(practice, name))

    @group.command()
    def dump() -> None:
        echo_json([Client(id=1, name="Zoë", created_at=datetime(2026, 11, 2, 9))])

    return group


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        ("store", "companion: no session with id 9\n"),
        ("protocol", "companion: mine.toml: kind: bad value\n"),
        ("record", "companion: invalid client: name: String should have at least 1 character"),
        ("user", "companion: that is not how it works\n"),
    ],
)
def test_errors_become_one_line_and_exit_2(toy: click.Group, kind: str, line: str) -> None:
    result = CliRunner().invoke(toy, ["fail", kind], prog_name="companion")
    assert_user_error(result)
    assert result.stderr.startswith(line)


def test_a_bad_date_is_one_line(toy: click.Group) -> None:
    result = CliRunner().invoke(toy, ["when", "--on", "2026-13-01"], prog_name="companion")
    assert_user_error(result, "'2026-13-01' is not a date: use YYYY-MM-DD")


@pytest.mark.parametrize(
    ("text", "days"), [("today", 0), ("Yesterday", -1), ("tomorrow", 1), ("2026-11-02", None)]
)
def test_dates_in_words_or_iso(toy: click.Group, text: str, days: int | None) -> None:
    result = CliRunner().invoke(toy, ["when", "--on", text])
    assert result.exit_code == 0
    expected = date(2026, 11, 2) if days is None else date.today() + timedelta(days=days)
    assert result.stdout == f"{expected.isoformat()}\n"


def test_client_or_fail_names_the_clients_there_are(toy: click.Group, store: Store) -> None:
    ana = store.add_client(Client(name="Ana Lopez"))
    store.add_client(Client(name="Bruno"))
    runner = CliRunner()
    assert runner.invoke(toy, ["who", "ana lopez"]).stdout == f"{ana.id}\n"
    result = runner.invoke(toy, ["who", "Carla"], prog_name="companion")
    assert_user_error(result, "no client called 'Carla' (clients: Ana Lopez, Bruno)")


def test_echo_json_prints_models(toy: click.Group) -> None:
    result = CliRunner().invoke(toy, ["dump"])
    assert json.loads(result.stdout) == [
        {"id": 1, "name": "Zoë", "contact": "", "created_at": "2026-11-02T09:00:00"}
    ]
    assert "Zoë" in result.stdout  # not escaped
