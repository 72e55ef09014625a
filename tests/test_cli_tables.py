"""Shell output at 80 columns: tables fold long cells without breaking names mid-word, `show`
lists takeaways one a line, `protocols validate` one line per problem, and --json everywhere."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_helpers import run
from click.testing import CliRunner

from companion.cli.tables import Column, widths
from companion.core.models import Client, Engagement
from companion.core.protocols import builtin_protocols_dir
from companion.services.practice import begin_session

GOOD = (builtin_protocols_dir() / "grow.toml").read_text(encoding="utf-8")
LONG_NAME = "Maximiliana Oyelaran-Whitcombe"
LONG_TOPIC = "Stepping into the regional director role without losing the team's trust"


@pytest.fixture(autouse=True)
def eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def practice(sample, protocols):  # type: ignore[no-untyped-def]
    """The sample, plus a client whose name and topic are long, with two takeaways."""
    store = sample.store
    client = store.add_client(
        Client(name=LONG_NAME, contact="maximiliana.oyelaran-whitcombe@example.org")
    )
    assert client.id is not None
    store.add_engagement(Engagement(client_id=client.id, start_date=date(2026, 9, 1)))
    session = begin_session(store, protocols, LONG_NAME, protocol_id="life-purpose")
    assert session.id is not None
    store.save_session(
        session.model_copy(
            update={"agreement": session.agreement.model_copy(update={"topic": LONG_TOPIC})}
        )
    )
    store.finish_session(
        session.id,
        ended_at=session.started_at + timedelta(minutes=50),
        takeaways=["Trust is built in small moments", "I lead by asking first"],
    )
    return sample, session


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def assert_fits(text: str) -> None:
    too_long = [line for line in lines_of(text) if len(line) > 80]
    assert not too_long, too_long
    assert all(line == line.rstrip() for line in lines_of(text))  # no padding to a pipe


def words_whole(text: str, *names: str) -> None:
    """Each word of NAMES appears whole somewhere (not cut at the end of a cell's line)."""
    found = set(re.findall(r"\S+", text))
    for name in names:
        for word in name.split():
            assert word in found, (word, text)


@pytest.mark.parametrize(
    "args",
    [["sessions"], ["clients", "list"], ["protocols", "list"], ["log"], ["show", "LONG"]],
)
def test_listings_fit_80_columns(runner: CliRunner, practice, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _, session = practice
    args = [str(session.id) if arg == "LONG" else arg for arg in args]
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    assert_fits(result.stdout)


def test_sessions_keep_names_and_topic_words_whole(runner: CliRunner, practice) -> None:  # type: ignore[no-untyped-def]
    out = run(runner, "sessions").stdout
    assert lines_of(out)[0].split() == ["Id", "Started", "Client", "Protocol", "Length", "Topic"]
    words_whole(out, LONG_NAME, LONG_TOPIC, "Ana Lopez")


def test_clients_list_is_a_table(runner: CliRunner, practice) -> None:  # type: ignore[no-untyped-def]
    out = run(runner, "clients", "list").stdout
    header, *rows = lines_of(out)
    assert header.split() == ["Id", "Name", "Contact"]
    words_whole(out, LONG_NAME, "Ana Lopez", "ana@example.org")
    assert re.match(r"^\s*1\s+Ana Lopez\s+ana@example\.org$", rows[0])


def test_a_name_with_brackets_is_text_not_markup(runner: CliRunner, store) -> None:  # type: ignore[no-untyped-def]
    store.add_client(Client(name="[bold]Ana[/bold] Lopez"))
    assert "[bold]Ana[/bold]" in run(runner, "clients", "list").stdout


def test_log_keeps_the_contact_whole_at_80_columns(runner: CliRunner, practice) -> None:  # type: ignore[no-untyped-def]
    out = run(runner, "log").stdout
    assert_fits(out)
    words_whole(out, LONG_NAME, "ana@example.org")
    assert lines_of(out)[0] == "Coaching hours, all sessions"
    assert lines_of(out)[-1].startswith("Total: ")


def test_show_lists_takeaways_one_a_line(runner: CliRunner, practice) -> None:  # type: ignore[no-untyped-def]
    _, session = practice
    out = lines_of(run(runner, "show", str(session.id)).stdout)
    at = next(i for i, line in enumerate(out) if line.startswith("Takeaways"))
    assert out[at + 1 : at + 3] == [
        "  • Trust is built in small moments",
        "  • I lead by asking first",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["sessions", "--json"],
        ["clients", "list", "--json"],
        ["protocols", "list", "--json"],
        ["log", "--json"],
        ["actions", "--json"],
        ["goals", "--json"],
        ["search", "trust", "--json"],
        ["show", "LONG", "--json"],
    ],
)
def test_every_listing_has_json(runner: CliRunner, practice, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _, session = practice
    args = [str(session.id) if arg == "LONG" else arg for arg in args]
    result = run(runner, *args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) is not None


def test_log_json_is_the_same_as_format_json(runner: CliRunner, practice) -> None:  # type: ignore[no-untyped-def]
    assert run(runner, "log", "--json").stdout == run(runner, "log", "--format", "json").stdout


def test_protocols_validate_says_one_line_per_problem_by_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    good = tmp_path / "a-good.toml"
    good.write_text(GOOD)
    bad = tmp_path / "b-bad.toml"
    bad.write_text(
        GOOD.replace('kind = "regular"', 'kind = "weekly"').replace(
            "minutes = 8\n", 'minutes = "8"\n', 1
        )
    )
    missing = tmp_path / "c-missing.toml"
    result = run(runner, "protocols", "validate", str(good), str(bad), str(missing))
    assert result.exit_code == 2
    assert result.stdout == f"{good}: ok (grow, 7 steps)\n"
    problems = lines_of(result.stderr)
    assert len(problems) == 3, problems
    assert problems[0].startswith(f"companion: {bad}: kind: ")
    assert problems[1].startswith(f"companion: {bad}: steps[2].minutes: ")
    assert problems[2].startswith(f"companion: {missing}: cannot read")
    assert "Traceback" not in result.output


def test_widths_give_short_columns_their_words_first() -> None:
    columns = (Column("Id", "right", wrap=False), Column("Name"), Column("Path"))
    rows = [("1", "Ana Lopez", "/a/very/long/path/that/cannot/fit/anywhere/at/all.toml")]
    id_width, name, path = widths(columns, rows, 40)
    assert id_width == 2
    assert name == len("Ana Lopez")  # whole: the path folds instead
    assert id_width + name + path + 4 <= 40


def test_a_terminal_gets_the_same_layout_styled() -> None:
    import io

    from rich.console import Console

    from companion.cli.tables import print_table

    columns = (Column("Id", "right", wrap=False), Column("Name"), Column("Topic"))
    rows = [("1", "[bold]Ana[/bold] Lopez", LONG_TOPIC), ("22", LONG_NAME, "Short")]
    screen = io.StringIO()
    print_table(
        columns, rows, out=Console(file=screen, force_terminal=True, width=60, color_system=None)
    )
    pipe = io.StringIO()
    print_table(columns, rows, out=Console(file=pipe, width=60))
    shown = [line.rstrip() for line in screen.getvalue().splitlines()]
    assert shown == pipe.getvalue().splitlines()  # the same words on the same lines
    assert "[bold]Ana[/bold]" in screen.getvalue()  # text, not markup
    assert all(len(line) <= 60 for line in shown)
