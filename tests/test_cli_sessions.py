"""`companion sessions`, `companion show` and `companion recap` through click's CliRunner."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pyperclip
import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.cli import cli
from companion.core.models import Action, Agreement, Client, SessionRecord
from companion.services.practice import begin_session


@pytest.fixture
def two_clients(sample, protocols):
    """The sample plus an unfinished session for Ana and a finished one for Ben."""
    store = sample.store
    ben = begin_session(store, protocols, "Ben Okafor", protocol_id="check-in")
    store.save_session(ben.model_copy(update={"agreement": Agreement(topic="Delegation")}))
    store.finish_session(ben.id)  # type: ignore[arg-type]
    ana = begin_session(store, protocols, "Ana Lopez")
    store.save_notes(
        ana.id,  # type: ignore[arg-type]
        "## Goal · 10:00\n- [ ] Call Marc about the agenda\n- [ ] // DRAFT-SECRET\n! Public aha\n",
    )
    return sample, ben, ana


# -- sessions --------------------------------------------------------------------------------


def test_sessions_json_newest_first(runner: CliRunner, two_clients) -> None:
    sample, ben, ana = two_clients
    result = run(runner, "sessions", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == [ana.id, ben.id, sample.first_session.id]
    assert [row["client_name"] for row in rows] == ["Ana Lopez", "Ben Okafor", "Ana Lopez"]
    assert rows[0]["duration_minutes"] is None and rows[0]["ended_at"] is None
    assert rows[1]["duration_minutes"] is not None
    assert rows[1]["agreement"]["topic"] == "Delegation"
    assert rows[2]["protocol_id"] == "grow"
    assert all("protocol_snapshot" not in row for row in rows)


def test_sessions_for_one_client(runner: CliRunner, two_clients) -> None:
    _, ben, _ = two_clients
    rows = json.loads(run(runner, "sessions", "--client", "ben okafor", "--json").stdout)
    assert [row["id"] for row in rows] == [ben.id]


def test_sessions_table_for_people(
    runner: CliRunner, two_clients, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, ana = two_clients
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for one line a session
    result = run(runner, "sessions")
    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()
    assert header.split() == ["Id", "Started", "Client", "Protocol", "Length", "Topic"]
    assert len(lines) == 3
    assert lines[0].split()[0] == str(ana.id) and "unfinished" in lines[0]
    assert "Ben Okafor" in lines[1] and "check-in" in lines[1] and "Delegation" in lines[1]
    assert "min" in lines[1]
    assert "Preparing Monday's meeting" in lines[2] and "grow" in lines[2]


def test_sessions_since(runner: CliRunner, two_clients) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert json.loads(run(runner, "sessions", "--since", tomorrow, "--json").stdout) == []
    assert len(json.loads(run(runner, "sessions", "--since", "today", "--json").stdout)) == 3
    assert run(runner, "sessions", "--since", tomorrow).stdout.strip() == "No sessions."


def test_sessions_empty_practice(runner: CliRunner, store) -> None:
    result = run(runner, "sessions")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No sessions yet."
    assert json.loads(run(runner, "sessions", "--json").stdout) == []


def test_sessions_bad_input(runner: CliRunner, sample) -> None:
    line = one_line_error(run(runner, "sessions", "--client", "Nobody"))
    assert "no client called 'Nobody'" in line and "Ana Lopez" in line
    line = one_line_error(run(runner, "sessions", "--since", "2026-13-40"))
    assert "is not a date" in line


# -- show ------------------------------------------------------------------------------------


def test_show_json_is_the_whole_record(runner: CliRunner, sample) -> None:
    result = run(runner, "show", str(sample.first_session.id), "--json")
    assert result.exit_code == 0, result.output
    record = SessionRecord.model_validate_json(result.stdout)
    assert record.session.id == sample.first_session.id
    assert record.client.name == "Ana Lopez"
    assert record.engagement is not None and record.engagement.sponsor_name == "Marc Dubois"
    assert record.protocol is not None and record.protocol.id == "grow"
    assert "// seems tired" in record.notes.text  # the coach's own view keeps private lines
    assert [a.text for a in record.actions_set] == ["Draft the meeting opening"]
    assert record.goals[0].score == 4
    assert [t.text for t in record.takeaways] == ["I know how I want to start"]


def test_show_for_people_marks_private_lines(runner: CliRunner, sample) -> None:
    result = runner.invoke(cli, ["show", str(sample.first_session.id)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    for text in (
        f"Session {sample.first_session.id} · Ana Lopez",
        "GROW coaching session",
        "1 of 6",
        "Marc Dubois (Head of HR)",
        "Preparing Monday's meeting",
        "Wants to open the meeting calmly.",
        "Draft the meeting opening",
        "Lead the weekly team meeting without notes",
        "4/10",
        "I know how I want to start",
    ):
        assert text in out, text
    [private] = [line for line in out.splitlines() if "seems tired" in line]
    assert "private" in private


def test_show_does_not_read_markup_in_what_the_coach_typed(runner: CliRunner, sample) -> None:
    store = sample.store
    session = sample.first_session
    store.save_session(session.model_copy(update={"agreement": Agreement(topic="[bold]x[/]")}))
    store.save_notes(session.id, "[red]not markup[/red]\n")  # type: ignore[arg-type]
    result = run(runner, "show", str(session.id))
    assert result.exit_code == 0, result.output
    assert "[bold]x[/]" in result.stdout
    assert "[red]not markup[/red]" in result.stdout


def test_show_markdown(runner: CliRunner, sample) -> None:
    result = run(runner, "show", str(sample.first_session.id), "--markdown")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"# Session {sample.first_session.id} — Ana Lopez, ")
    assert "## Agreement" in out and "- **Topic:** Preparing Monday's meeting" in out
    assert "## Notes" in out and "### Goal" in out  # note headings sit under ## Notes
    assert "// seems tired" in out and "private" in out
    assert "- [ ] Draft the meeting opening — coachee, due 2026-11-20" in out
    assert "| Lead the weekly team meeting without notes | active | 4/10 |  | 4/10 |" in out
    assert "## Takeaways\n\n- I know how I want to start" in out


@pytest.mark.parametrize(("sponsor", "owner"), [("Marc Dubois", "Marc Dubois"), ("", "sponsor")])
def test_show_names_the_sponsor_who_owns_an_action(
    runner: CliRunner, sample, sponsor: str, owner: str
) -> None:
    """The sponsor's own name from the contract; the word "sponsor" only when it has none."""
    store = sample.store
    store.save_engagement(sample.engagement.model_copy(update={"sponsor_name": sponsor}))
    store.add_action(
        Action(
            client_id=sample.client.id,
            session_id=sample.first_session.id,
            text="Share the survey results",
            owner="sponsor",
            due_on=date(2026, 11, 27),
        )
    )
    markdown = run(runner, "show", str(sample.first_session.id), "--markdown")
    assert markdown.exit_code == 0, markdown.output
    line = f"- [ ] Share the survey results — {owner}, due 2026-11-27"
    assert line in markdown.stdout.splitlines()
    assert "- [ ] Draft the meeting opening — coachee, due 2026-11-20" in markdown.stdout
    plain = run(runner, "show", str(sample.first_session.id))
    assert plain.exit_code == 0, plain.output
    assert f"Share the survey results — {owner}, due 2026-11-27" in plain.stdout


@pytest.mark.parametrize("args", [["show", "999"], ["show", "999", "--json"], ["recap", "999"]])
def test_unknown_session_is_one_line(runner: CliRunner, sample, args: list[str]) -> None:
    assert "no session with id 999" in one_line_error(run(runner, *args))


def test_session_id_must_be_a_number(runner: CliRunner, sample) -> None:
    assert "abc" in one_line_error(run(runner, "show", "abc"))


# -- recap -----------------------------------------------------------------------------------


def test_recap_of_a_finished_session(runner: CliRunner, sample) -> None:
    result = run(runner, "recap", str(sample.first_session.id))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Session recap — Ana, ")
    assert "Draft the meeting opening" in result.stdout
    assert "seems tired" not in result.stdout
    assert result.stderr == ""


def test_recap_of_an_unfinished_session_is_a_draft(runner: CliRunner, two_clients) -> None:
    _, _, ana = two_clients
    result = run(runner, "recap", str(ana.id))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Draft session recap — Ana, ")
    assert "- Call Marc about the agenda" in result.stdout
    assert "- Public aha" in result.stdout
    assert "DRAFT-SECRET" not in result.stdout


def test_recap_copy_without_clipboard(
    runner: CliRunner, sample, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pyperclip, "determine_clipboard", pyperclip.init_no_clipboard)
    plain = run(runner, "recap", str(sample.first_session.id)).stdout
    result = run(runner, "recap", str(sample.first_session.id), "--copy")
    assert result.exit_code == 0, result.output
    assert result.stdout == plain  # stdout stays the recap alone
    message = result.stderr.strip()
    assert message.startswith("No working clipboard: saved the recap to ")
    started = sample.first_session.started_at.date().isoformat()
    saved = tmp_path / "data" / "companion" / "recaps" / f"{started}-ana-lopez-session-1.md"
    assert str(saved) in message
    assert saved.read_text(encoding="utf-8") == plain
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "Draft the meeting opening" not in message


def test_recap_copy_with_a_clipboard(
    runner: CliRunner, sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    board: list[str] = []
    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (board.append, lambda: board[-1]))
    result = run(runner, "recap", str(sample.first_session.id), "--copy")
    assert result.exit_code == 0
    assert board == [result.stdout]
    assert result.stderr.strip() == "Recap copied to the clipboard."


def test_recap_for_a_client_with_accents(runner: CliRunner, store, protocols) -> None:
    store.add_client(Client(name="Zoë Brontë"))
    session = begin_session(store, protocols, "Zoë Brontë")
    result = run(runner, "recap", str(session.id))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Draft session recap — Zoë, ")


def test_session_commands_do_not_import_textual(sample) -> None:
    code = (
        "import sys\n"
        "from companion.cli import cli\n"
        "for args in (['sessions', '--json'], ['show', '1'], ['show', '1', '--markdown'],"
        " ['recap', '1']):\n"
        "    cli.main(args, standalone_mode=False)\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Session recap" in done.stdout
