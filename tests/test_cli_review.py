"""`companion search`, `companion actions` and `companion goals` through click's CliRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import click
import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.cli import cli
from companion.cli.review_cmds import _hit_lines
from companion.core.models import Action, Agreement, Client, Session


@pytest.fixture
def practice(sample):
    """The sample (Ana: goal scored 4, an overdue action) plus two later sessions and Ben."""
    store = sample.store
    ana = sample.client
    later = []
    for days, score in ((14, 6), (28, 7)):
        session = store.add_session(
            Session(
                client_id=ana.id,  # type: ignore[arg-type]
                engagement_id=sample.engagement.id,
                protocol_id="grow",
                started_at=sample.first_session.started_at + timedelta(days=days),
                agreement=Agreement(topic="Delegation to the [bold]team[/bold]"),
            )
        )
        store.set_goal_score(sample.goal.id, session.id, score)  # type: ignore[arg-type]
        later.append(store.finish_session(session.id))  # type: ignore[arg-type]
    store.save_notes(
        later[0].id,  # type: ignore[arg-type]
        "## Options · 10:00\nCould delegate the weekly report.\n// private: delegation fear\n",
    )
    today = date.today()
    done = store.add_action(
        Action(
            client_id=ana.id,  # type: ignore[arg-type]
            session_id=later[0].id,
            text="Ask Sam to take the report",
            due_on=today - timedelta(days=30),
            status="done",
        )
    )
    soon = store.add_action(
        Action(
            client_id=ana.id,  # type: ignore[arg-type]
            session_id=later[1].id,
            text="Delegate the budget review",
            owner="coach",
            due_on=today + timedelta(days=10),
        )
    )
    ben = store.add_client(Client(name="Ben Okafor"))
    ben_action = store.add_action(
        Action(client_id=ben.id, text="Book the team offsite")  # type: ignore[arg-type]
    )
    return sample, later, done, soon, ben_action


# -- search --------------------------------------------------------------------------------------


def test_search_json_keeps_the_match_marks(runner: CliRunner, practice) -> None:
    _, later, *_ = practice
    result = run(runner, "search", "delegat", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    kinds = {(hit["kind"], hit["session_id"]) for hit in hits}
    assert ("notes", later[0].id) in kinds
    assert ("agreement", later[1].id) in kinds
    assert ("action", later[1].id) in kinds
    for hit in hits:
        assert hit["client_name"] == "Ana Lopez"
        assert "[[" in hit["snippet"] and "]]" in hit["snippet"]
        assert hit["started_at"] is not None
        datetime.fromisoformat(hit["started_at"])
    notes = next(hit for hit in hits if hit["kind"] == "notes")
    assert "[[delegate]]" in notes["snippet"].lower()


def test_search_finds_takeaways_and_private_lines(runner: CliRunner, practice) -> None:
    hits = json.loads(run(runner, "search", "I know how", "--json").stdout)
    assert [hit["kind"] for hit in hits] == ["takeaway"]
    hits = json.loads(run(runner, "search", "fear", "--json").stdout)
    assert [hit["kind"] for hit in hits] == ["notes"]  # the coach's own record: private included


def test_search_for_people_shows_where_and_highlights(runner: CliRunner, practice) -> None:
    _, later, *_ = practice
    result = run(runner, "search", "team")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"Ana Lopez · session {later[1].id}, {later[1].started_at:%Y-%m-%d} · agreement" in out
    assert "[[" not in out  # the marks become highlighting
    assert "[bold]" in out  # text that looks like markup is shown as typed, not interpreted


def test_hits_mark_matches_and_keep_the_rest() -> None:
    lines = _hit_lines("a [[b]] c [[d]] [not markup] [[e", 80)
    assert [click.unstyle(line) for line in lines] == ["  a b c d [not markup] [[e"]
    on, off = click.style("x", bold=True, reverse=True).split("x")
    assert lines[0].count(on) == 2 and f"{on}b{off}" in lines[0] and f"{on}d{off}" in lines[0]


def test_hits_fold_under_an_indent_and_keep_a_match_styled_across_lines() -> None:
    snippet = "word " * 12 + "[[a long match that spans the fold]] and the rest after it"
    lines = _hit_lines(snippet, 40)
    plain = [click.unstyle(line) for line in lines]
    assert all(len(line) <= 40 and line.startswith("  ") for line in plain)
    assert " ".join(line.strip() for line in plain) == (
        "word " * 12 + "a long match that spans the fold and the rest after it"
    )
    styled = [line for line in lines if "\x1b[7m" in line]
    assert len(styled) >= 2  # the match runs over a fold and stays marked on both lines


def test_search_client_filter(runner: CliRunner, practice) -> None:
    result = run(runner, "search", "team", "--client", "ben okafor", "--json")
    hits = json.loads(result.stdout)
    assert [(hit["kind"], hit["client_name"]) for hit in hits] == [("action", "Ben Okafor")]
    assert hits[0]["session_id"] is None and hits[0]["started_at"] is None
    assert "no session" in run(runner, "search", "offsite").stdout


def test_search_unknown_client_is_one_line_exit_2(runner: CliRunner, practice) -> None:
    line = one_line_error(run(runner, "search", "team", "--client", "Zed"))
    assert "no client called 'Zed'" in line


def test_search_no_hits_is_a_plain_line(runner: CliRunner, practice) -> None:
    result = run(runner, "search", "xylophone")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No matches for 'xylophone'."
    assert json.loads(run(runner, "search", "xylophone", "--json").stdout) == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        'team"',
        '"unbalanced',
        "AND",
        "OR",
        "NOT",
        "*",
        "NEAR(",
        "NEAR(team",
        "-",
        "^team",
        "team:x",
        "(",
        ")",
        "team AND",
        "col:",
        "{a b}",
        "'",
        "\\",
        "🙂",
        "  ",
    ],
)
def test_fts_syntax_never_raises(runner: CliRunner, practice, query: str) -> None:
    result = run(runner, "search", query)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Traceback" not in result.output
    result = run(runner, "search", query, "--json")
    assert isinstance(json.loads(result.stdout), list)


def test_search_takes_operators_as_words(runner: CliRunner, practice) -> None:
    assert json.loads(run(runner, "search", "delegation", "--json").stdout)
    hits = json.loads(run(runner, "search", "delegation AND", "--json").stdout)
    assert hits == []  # "and" must be in the text too: it is a word, not an operator
    hits = json.loads(run(runner, "search", '"weekly report"', "--json").stdout)
    assert [hit["kind"] for hit in hits] == ["notes"]


# -- actions -------------------------------------------------------------------------------------


def test_actions_json_lists_all_with_client_and_session(runner: CliRunner, practice) -> None:
    sample, _, done, soon, ben_action = practice
    result = run(runner, "actions", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {sample.action.id, done.id, soon.id, ben_action.id}
    overdue = by_id[sample.action.id]
    assert overdue["overdue"] is True and overdue["status"] == "open"
    assert overdue["client_name"] == "Ana Lopez"
    assert overdue["session_id"] == sample.first_session.id
    assert overdue["session_started_at"] == sample.first_session.started_at.isoformat()
    assert overdue["due_on"] == "2026-11-20" and overdue["owner"] == "coachee"
    assert by_id[done.id]["overdue"] is False  # done, even if its date is past
    assert by_id[soon.id]["owner"] == "coach" and by_id[soon.id]["overdue"] is False
    assert by_id[ben_action.id]["session_started_at"] is None
    assert rows[-1]["id"] == ben_action.id  # undated last


def test_actions_filters(runner: CliRunner, practice) -> None:
    sample, _, done, soon, ben_action = practice

    def ids(*args: str) -> set[int]:
        result = run(runner, "actions", "--json", *args)
        assert result.exit_code == 0, result.output
        return {row["id"] for row in json.loads(result.stdout)}

    assert ids("--open") == {sample.action.id, soon.id, ben_action.id}
    assert ids("--overdue") == {sample.action.id}
    assert ids("--open", "--client", "Ben Okafor") == {ben_action.id}
    assert ids("--client", "ana lopez") == {sample.action.id, done.id, soon.id}


def test_actions_for_people_flag_overdue(runner: CliRunner, practice) -> None:
    result = runner.invoke(cli, ["actions", "--open"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "OVERDUE" in out and "Draft the meeting opening" in out
    assert "Ask Sam" not in out  # done
    assert f"#{practice[0].first_session.id}" in out
    assert "3 actions, 1 overdue" in out


def test_actions_none_and_bad_client(runner: CliRunner, practice) -> None:
    result = run(runner, "actions", "--overdue", "--client", "Ben Okafor")
    assert result.exit_code == 0 and result.stdout.strip() == "No overdue actions for Ben Okafor."
    assert "no client called 'Nobody'" in one_line_error(
        run(runner, "actions", "--client", "Nobody")
    )


# -- goals ---------------------------------------------------------------------------------------


def test_goals_json_has_smarte_fields_and_score_history(runner: CliRunner, practice) -> None:
    sample = practice[0]
    result = run(runner, "goals", "--json")
    assert result.exit_code == 0, result.output
    (goal,) = json.loads(result.stdout)
    assert goal["id"] == sample.goal.id
    assert goal["client_name"] == "Ana Lopez"
    assert goal["specific"] == "Lead the weekly team meeting without notes"
    assert goal["timely"] == "2027-01-31" and goal["status"] == "active"
    assert goal["scores"] == [4, 6, 7]
    assert goal["last_score"] == 7
    assert goal["score_history"] == "4 → 6 → 7"


def test_goals_for_people(runner: CliRunner, practice) -> None:
    result = run(runner, "goals", "--client", "Ana Lopez")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in (
        "Lead the weekly team meeting without notes",
        "Measurable",
        "Ecological",
        "due 2027-01-31",
        "4 → 6 → 7",
        "last 7/10",
        "active",
    ):
        assert text in out


def test_goals_none_and_bad_client(runner: CliRunner, practice) -> None:
    result = run(runner, "goals", "--client", "Ben Okafor")
    assert result.exit_code == 0 and result.stdout.strip() == "No goals for Ben Okafor."
    assert json.loads(run(runner, "goals", "--client", "Ben Okafor", "--json").stdout) == []
    assert "no client called" in one_line_error(run(runner, "goals", "--client", "Zoe"))


def test_commands_on_an_empty_practice(runner: CliRunner, store) -> None:
    assert run(runner, "actions").stdout.strip() == "No actions."
    assert run(runner, "goals").stdout.strip() == "No goals yet."
    assert run(runner, "search", "anything").stdout.strip() == "No matches for 'anything'."


def test_these_commands_never_import_textual(practice, db_path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from companion.cli import cli\n"
        "for args in (['search', 'team'], ['actions'], ['goals'], ['log', '--format', 'csv']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "COMPANION_DB": str(db_path)},
        check=True,
    )
    assert done.stdout.strip() == "[]"
