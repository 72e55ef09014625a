"""`companion notes edit ID`: the coach's editor ($VISUAL / $EDITOR), saved only on success."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.store import Store
from companion.store.lease import this_host


def editor(tmp_path: Path, body: str) -> str:
    """An editor script: BODY runs with the notes' file as $1."""
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(0o700)
    return str(script)


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


def reopened(store: Store) -> Store:
    assert store.path is not None
    return Store.open(store.path)


def test_the_editor_saves_the_notes_and_they_are_searchable_at_once(
    runner: CliRunner, sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = sample.first_session.id
    before = sample.store.get_notes(session_id).text
    seen = tmp_path / "seen"
    monkeypatch.setenv(
        "EDITOR",
        editor(
            tmp_path,
            f'stat -c %a "$1" > {seen}; printf "Zanzibarish correction\\n" >> "$1"',
        ),
    )
    result = run(runner, "notes", "edit", str(session_id))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Notes of session {session_id} saved."
    assert seen.read_text().strip() == "600"  # the notes' file was the coach's alone
    store = reopened(sample.store)
    assert store.get_notes(session_id).text == before + "Zanzibarish correction\n"
    hits = store.search("zanzibarish")
    assert [(hit.kind, hit.session_id) for hit in hits] == [("notes", session_id)]
    editing = tmp_path / "data" / "companion" / "editing"
    assert list(editing.iterdir()) == []  # no copy of the notes left behind
    assert stat.S_IMODE(editing.stat().st_mode) == 0o700
    assert store.live_lease(session_id, sample.first_session.started_at) is None  # let go


def test_visual_wins_over_editor(
    runner: CliRunner, sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "false")
    monkeypatch.setenv("VISUAL", editor(tmp_path, 'printf "from visual\\n" > "$1"'))
    assert run(runner, "notes", "edit", str(sample.first_session.id)).exit_code == 0
    assert reopened(sample.store).get_notes(sample.first_session.id).text == "from visual\n"


def test_a_failing_editor_leaves_the_notes_unchanged(
    runner: CliRunner, sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = sample.first_session.id
    before = sample.store.get_notes(session_id).text
    monkeypatch.setenv("EDITOR", editor(tmp_path, 'printf "half done" > "$1"; exit 3'))
    result = run(runner, "notes", "edit", str(session_id))
    assert result.exit_code == 1
    assert "status 3" in result.stderr and "unchanged" in result.stderr
    assert reopened(sample.store).get_notes(session_id).text == before
    assert "half done" not in result.output


def test_an_editor_that_changes_nothing_saves_nothing(
    runner: CliRunner, sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "true")
    result = run(runner, "notes", "edit", str(sample.first_session.id))
    assert result.exit_code == 0
    assert "unchanged" in result.stdout


def test_without_an_editor_it_says_how_to_set_one(runner: CliRunner, sample) -> None:
    line = one_line_error(run(runner, "notes", "edit", str(sample.first_session.id)))
    assert "set VISUAL or EDITOR" in line


def test_a_session_open_in_a_live_window_is_refused(
    runner: CliRunner, sample, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from companion.core.models import now

    session_id = sample.first_session.id
    before = sample.store.get_notes(session_id).text
    sample.store.take_lease(
        session_id, token="live-window", pid=os.getpid(), host=this_host(), at=now()
    )
    monkeypatch.setenv("EDITOR", editor(tmp_path, 'printf "x" > "$1"'))
    line = one_line_error(run(runner, "notes", "edit", str(session_id)))
    assert "open in companion" in line and "close it first" in line
    assert reopened(sample.store).get_notes(session_id).text == before


def test_a_wrong_session_is_one_line(runner: CliRunner, sample, monkeypatch) -> None:
    monkeypatch.setenv("EDITOR", "true")
    assert "999" in one_line_error(run(runner, "notes", "edit", "999"))


def test_a_wrong_session_is_said_before_a_missing_editor(runner: CliRunner, sample) -> None:
    """The session is the first mistake to fix: no editor would not help with session 999."""
    line = one_line_error(run(runner, "notes", "edit", "999"))
    assert "999" in line and "EDITOR" not in line


# -- sessions correct: the rest of what a session recorded, from the shell ---------------------


def test_sessions_correct_changes_the_record_and_it_is_searchable(
    runner: CliRunner, sample
) -> None:
    from datetime import date

    session_id = sample.first_session.id
    goal_id = sample.goal.id
    result = run(
        runner,
        "sessions", "correct", str(session_id),
        "--topic", "Quarterly planning with Marc",
        "--next", "2026-12-09",
        "--takeaway", "Plans are for changing",
        "--takeaway", "Ask before assuming",
        "--score", f"{goal_id}=8",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    store = reopened(sample.store)
    session = store.get_session(session_id)
    assert session.agreement.topic == "Quarterly planning with Marc"
    assert session.agreement.desired_outcome == sample.first_session.agreement.desired_outcome
    assert session.next_session_on == date(2026, 12, 9)
    assert [t.text for t in store.takeaways(session_id)] == [
        "Plans are for changing",
        "Ask before assuming",
    ]
    assert {s.goal_id: s.score for s in store.goal_scores(session_id=session_id)}[goal_id] == 8
    assert [h.kind for h in store.search("quarterly")] == ["agreement"]
    assert [h.kind for h in store.search("assuming")] == ["takeaway"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ([], "nothing to change"),
        (["--score", "x"], "GOAL_ID=SCORE"),
        (["--score", "1=11"], "0 to 10"),
        (["--score", "999=5"], "not one of this session's goals"),
        (["--next", "someday"], "--next"),
    ],
)
def test_sessions_correct_refuses_in_one_line(
    runner: CliRunner, sample, args: list[str], words: str
) -> None:
    line = one_line_error(run(runner, "sessions", "correct", str(sample.first_session.id), *args))
    assert words in line


def test_sessions_correct_refuses_a_session_open_live(runner: CliRunner, sample) -> None:
    from companion.core.models import now

    session_id = sample.first_session.id
    sample.store.take_lease(session_id, token="live", pid=os.getpid(), host=this_host(), at=now())
    line = one_line_error(run(runner, "sessions", "correct", str(session_id), "--topic", "x"))
    assert "open in companion" in line
    assert reopened(sample.store).get_session(session_id).agreement.topic != "x"
