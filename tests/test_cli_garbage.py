"""Every command, every option and argument, given garbage: one line on stderr, never a traceback.

Each slot of each command (the `X` in the table) gets every value in GARBAGE. A value the command
can take (a search for a control character, a client called '-1') may succeed (exit 0) or be
refused (exit 2, or 1 where the command says "not done"); text that is not UTF-8 and empty paths
are always refused with exit 2. Whatever happens: no traceback, and an error is one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from companion.cli import cli
from companion.core.models import Client
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store

X = object()  # where the garbage goes

HUGE = "99999999999999999999"  # more than SQLite's 2**63 - 1
GARBAGE: dict[str, str] = {
    "huge": HUGE,
    "huge negative": "-" + HUGE,
    "just past sqlite": str(2**63),
    "negative": "-1",
    "zero": "0",
    "not a date": "2026-02-30",
    "far future": "+99999999999d",
    "surrogates": "\udcff\udcfe",  # what Python makes of the bytes ff fe in argv
    "escape sequence": "\x1b[31mred\x1b[0m",
    "controls": "a\x01\x7f\x9bb",
    "newline": "two\nlines",
    "empty": "",
    "blank": "   ",
    "long name": "n" * 300,  # longer than a file name may be
    "megabyte": "m" * 1_000_000,
}
ALWAYS_REFUSED = {"surrogates"}
# Commands whose answer is a report on stdout, exit 2 when the report finds a problem.
REPORTS = {"doctor"}

# (command path, arguments with X for the garbage): every option and argument of every command.
TABLE: list[tuple[str, list[object]]] = [
    ("", [X]),  # an unknown command
    ("", ["--db", X, "clients", "list"]),
    ("", ["--protocols-dir", X, "protocols", "list"]),
    ("start", ["start", "--client", X]),
    ("start", ["start", "--client", "Ana", "--protocol", X]),
    ("start", ["start", "--client", "Ana", "--minutes", X]),
    ("start", ["start", "--client", "Ana", "--mode", X]),
    ("start", ["start", "--client", "Ana", "--nudge-minutes", X]),
    ("review", ["review", "--client", X]),
    ("sessions", ["sessions", "--client", X]),
    ("sessions", ["sessions", "--since", X]),
    ("sessions edit", ["sessions", "edit", X, "--minutes", "50"]),
    ("sessions edit", ["sessions", "edit", "1", "--started", X]),
    ("sessions edit", ["sessions", "edit", "1", "--ended", X]),
    ("sessions edit", ["sessions", "edit", "1", "--minutes", X]),
    ("show", ["show", X]),
    ("recap", ["recap", X]),
    ("recap", ["recap", "1", "--format", X]),
    ("notes edit", ["notes", "edit", X]),
    ("sessions correct", ["sessions", "correct", X, "--topic", "x"]),
    ("sessions correct", ["sessions", "correct", "1", "--topic", X]),
    ("sessions correct", ["sessions", "correct", "1", "--outcome", X]),
    ("sessions correct", ["sessions", "correct", "1", "--measure", X]),
    ("sessions correct", ["sessions", "correct", "1", "--next", X]),
    ("sessions correct", ["sessions", "correct", "1", "--takeaway", X]),
    ("sessions correct", ["sessions", "correct", "1", "--score", X]),
    ("search", ["search", X]),
    ("search", ["search", "goal", "--client", X]),
    ("search", ["search", "goal", "--limit", X]),
    ("actions", ["actions", "--client", X]),
    ("goals", ["goals", "--client", X]),
    ("goals edit", ["goals", "edit", X, "--measurable", "m"]),
    *[
        ("goals edit", ["goals", "edit", "1", option, X])
        for option in ("--specific", "--measurable", "--achievable", "--realistic", "--due")
    ],
    ("goals edit", ["goals", "edit", "1", "--ecological", X]),
    ("goals set", ["goals", "set", X, "--status", "achieved"]),
    ("goals set", ["goals", "set", "1", "--status", X]),
    ("goals set", ["goals", "set", "1", "--status", "achieved", "--on", X]),
    ("goals set", ["goals", "set", "1", "--status", "adjusted", "--new", X]),
    ("actions edit", ["actions", "edit", X, "--text", "t"]),
    *[
        ("actions edit", ["actions", "edit", "1", option, X])
        for option in ("--text", "--owner", "--due", "--status")
    ],
    ("engagement show", ["engagement", "show", "--client", X]),
    ("engagement close", ["engagement", "close", "--client", X]),
    ("engagement close", ["engagement", "close", "--client", "Ana", "--on", X]),
    ("engagement set", ["engagement", "set", "--client", X, "--planned", "6"]),
    *[
        ("engagement set", ["engagement", "set", "--client", "Ana", option, X])
        for option in (
            "--sponsor",
            "--sponsor-role",
            "--sponsor-contact",
            "--planned",
            "--confidentiality",
            "--billing",
            "--format",
            "--group-size",
            "--objective",
            "--start",
            "--log-consent",
        )
    ],
    ("start", ["start", "--client", "Ana", "--same-engagement", X]),
    ("clients list", ["clients", "list", X]),
    ("clients add", ["clients", "add", X]),
    ("clients add", ["clients", "add", "Bea", "--contact", X]),
    ("protocols list", ["protocols", "list", X]),
    ("protocols show", ["protocols", "show", X]),
    ("protocols validate", ["protocols", "validate", X]),
    ("export", ["export", "--out", X]),
    ("export", ["export", "--out", "out", "--client", X]),
    ("export", ["export", "--out", "out", "--format", X]),
    ("import", ["import", X]),
    ("forget", ["forget", "--client", X, "--yes"]),
    ("doctor", ["doctor", "--db", X]),
    # Each takes no argument: garbage is refused before the practice is touched (issue 13).
    ("encrypt", ["encrypt", "--remember", X]),
    ("decrypt", ["decrypt", X]),
    ("rekey", ["rekey", X]),
    ("log", ["log", "--since", X]),
    ("log", ["log", "--until", X]),
    ("log", ["log", "--format", X]),
    ("credential", ["credential", X]),
    ("calendar", ["calendar", "--out", X]),
    ("calendar", ["calendar", "--stdout", X]),
    ("demo", ["demo", "--db", X, "--sessions", "0"]),
    ("demo", ["demo", "--db", "demo.db", "--sessions", "0", "--clients", X]),
    ("demo", ["demo", "--db", "demo.db", "--sessions", X, "--clients", "1"]),
    ("demo", ["demo", "--db", "demo.db", "--sessions", "0", "--seed", X]),
]


def _command_paths(group: click.Group, ctx: click.Context, prefix: str = "") -> Iterator[str]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            subcommands = list(_command_paths(command, ctx, f"{path} "))
            yield from subcommands
            if command.invoke_without_command:  # `companion sessions` lists, by itself
                yield path
        else:
            yield path


def test_the_table_covers_every_command() -> None:
    ctx = click.Context(cli)
    assert isinstance(cli, click.Group)
    assert set(_command_paths(cli, ctx)) == {path for path, _ in TABLE if path}


@pytest.fixture(scope="module")
def practice_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One practice for the whole table: a client, Ana, with one session (id 1), unfinished."""
    path = tmp_path_factory.mktemp("garbage") / "practice.db"
    store = Store.open(path)
    store.add_client(Client(name="Ana"))
    begin_session(store, ProtocolLibrary.discover(include_user=False), "Ana")
    store.close()
    return path


def _check(result: Result, case: str, always_refused: bool, report: bool) -> str | None:
    """What is wrong with RESULT, if anything."""
    if "Traceback" in result.output:
        return f"{case}: traceback: {result.output[-400:]!r}"
    if result.exit_code not in (0, 1, 2):
        return f"{case}: exit {result.exit_code}: {result.exception!r}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{case}: raised {result.exception!r}"
    if always_refused and result.exit_code != 2:
        return f"{case}: exit {result.exit_code}, not refused: {result.output[:200]!r}"
    if result.exit_code != 0 and not (report and result.stderr == "" and result.stdout):
        line = result.stderr
        if not (line.startswith("companion: ") and line.endswith("\n") and line.count("\n") == 1):
            return f"{case}: not one line on stderr: {line[:400]!r}"
        if len(line) > 2000:
            return f"{case}: a {len(line)}-character error line"
    return None


@pytest.mark.parametrize(
    "args",
    [args for _, args in TABLE],
    ids=[" ".join("X" if part is X else str(part) for part in a) for _, a in TABLE],
)
def test_garbage_in_every_slot(
    args: list[object], practice_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_DB", str(practice_db))
    monkeypatch.chdir(tmp_path)  # export and demo write where they are told, here
    runner = CliRunner()
    problems = []
    for name, value in GARBAGE.items():
        argv = [value if part is X else str(part) for part in args]
        result = runner.invoke(cli, argv, prog_name="companion")
        problem = _check(result, name, name in ALWAYS_REFUSED, args[0] in REPORTS)
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)


# -- the cases the issue names, exactly ----------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="companion")


def assert_refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("companion: ")
    for word in words:
        assert word in result.stderr, (word, result.stderr)


@pytest.mark.parametrize("command", ["show", "recap"])
@pytest.mark.parametrize("value", [HUGE, str(2**63), "0", "+1", "1.5", "", "x", "١"])
def test_session_ids_are_bounded(command: str, value: str) -> None:
    assert_refused(run(command, value), "SESSION_ID", "is not an id")


def test_the_largest_id_is_taken_and_not_found() -> None:
    result = run("show", str(2**63 - 1))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "is not an id" not in result.stderr  # a real id, just not there


def test_text_that_is_not_utf8_is_refused_naming_the_argument() -> None:
    assert_refused(run("sessions", "--client", "\udcff\udcfe"), "argument 3", "not UTF-8")


@pytest.mark.parametrize("option", [["--db", ""], ["--db", " "], ["--protocols-dir", ""]])
def test_an_empty_path_is_refused_not_taken_for_the_default(option: list[str]) -> None:
    assert_refused(run(*option, "clients", "list"), option[0], "empty")


def test_a_date_past_the_calendar_is_refused() -> None:
    assert_refused(run("log", "--since", "+99999999999d"), "--since")


def _export(tmp_path: Path) -> dict[str, object]:
    store = Store.open(tmp_path / "source.db")
    begin_session(store, ProtocolLibrary.discover(include_user=False), "Ana")
    store.close()
    result = run("--db", str(tmp_path / "source.db"), "export", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "out").glob("*.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("table", "field"), [("sessions", "planned_minutes"), ("clients", "id"), ("sessions", "id")]
)
def test_import_refuses_numbers_sqlite_cannot_hold(tmp_path: Path, table: str, field: str) -> None:
    document = _export(tmp_path)
    document[table][0][field] = 2**64  # type: ignore[index]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run("--db", str(tmp_path / "target.db"), "import", str(path))
    assert_refused(result, f"{table}.0.{field}", "too large", "nothing was imported")


def test_import_refuses_json_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"format": "companion-export", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert_refused(run("--db", str(tmp_path / "t.db"), "import", str(path)), "nested too deeply")
