"""The recap in two forms, from the shell: Markdown or text, the default in config.toml, and the
coach's edits kept with the session (re-copying gives the edited text, private lines never)."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner
from test_recap_text import assert_plain, facts

from companion.services.recaps import forget_edit, keep_edit, session_recap


def config(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "config" / "companion"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def test_recap_as_text_for_an_email(runner: CliRunner, sample) -> None:
    session_id = str(sample.first_session.id)
    markdown = run(runner, "recap", session_id, "--format", "markdown").stdout
    text = run(runner, "recap", session_id, "--format", "text")
    assert text.exit_code == 0 and text.stderr == ""
    assert markdown.startswith("# Session recap — Ana, ")
    assert text.stdout.startswith("Session recap — Ana, ")
    assert_plain(text.stdout)
    assert facts(text.stdout) == facts(markdown)
    assert "seems tired" not in text.stdout


def test_the_default_form_comes_from_config(runner: CliRunner, sample, tmp_path: Path) -> None:
    session_id = str(sample.first_session.id)
    assert run(runner, "recap", session_id).stdout.startswith("# ")  # Markdown by default
    config(tmp_path, '[recap]\nformat = "text"\n')
    assert run(runner, "recap", session_id).stdout.startswith("Session recap")
    assert run(runner, "recap", session_id, "--format", "markdown").stdout.startswith("# ")


def test_a_bad_default_is_said_and_markdown_used(runner: CliRunner, sample, tmp_path) -> None:
    config(tmp_path, '[recap]\nformat = "html"\n')
    result = run(runner, "recap", str(sample.first_session.id))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Session recap")
    assert "recap.format" in result.stderr and "config.toml" in result.stderr


def test_a_wrong_format_is_one_line_and_status_2(runner: CliRunner, sample) -> None:
    assert "html" in one_line_error(run(runner, "recap", "1", "--format", "html"))


def test_an_edited_recap_is_what_is_copied_again(
    runner: CliRunner, sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, session_id = sample.store, sample.first_session.id
    built = session_recap(store, session_id, "markdown")
    assert not built.edited
    edited = built.text.replace("Hello Ana,", "Dear Ana,") + "\n// only for me\n"
    keep_edit(store, session_id, "markdown", edited)

    board: list[str] = []
    monkeypatch.setattr(pyperclip, "determine_clipboard", lambda: (board.append, lambda: board[-1]))
    result = run(runner, "recap", str(session_id), "--copy")
    assert result.stdout.startswith("# Session recap") and "Dear Ana," in result.stdout
    assert "only for me" not in result.stdout  # a private line typed into the edit stays home
    assert board == [result.stdout]
    as_text = run(runner, "recap", str(session_id), "--format", "text").stdout
    assert "Dear Ana," in as_text and "#" not in as_text.splitlines()[0]  # the edit, as text

    keep_edit(store, session_id, "text", "Ana, the short version.\n")
    assert run(runner, "recap", str(session_id), "--format", "text").stdout == (
        "Ana, the short version.\n"
    )
    forget_edit(store, session_id)
    again = session_recap(store, session_id, "markdown")
    assert not again.edited and again.text == built.text


def test_an_edit_that_changes_nothing_is_not_kept(sample) -> None:
    store, session_id = sample.store, sample.first_session.id
    built = session_recap(store, session_id, "text")
    keep_edit(store, session_id, "text", built.text)
    assert store.recap_edits(session_id) == {}
    assert run(CliRunner(), "recap", str(session_id), "--format", "text").stdout == built.text


def test_the_file_of_a_text_recap_ends_in_txt(
    runner: CliRunner, sample, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pyperclip, "determine_clipboard", pyperclip.init_no_clipboard)
    result = run(runner, "recap", str(sample.first_session.id), "--format", "text", "--copy")
    started = sample.first_session.started_at.date().isoformat()
    saved = tmp_path / "data" / "companion" / "recaps" / f"{started}-ana-lopez-session-1.txt"
    assert saved.read_text(encoding="utf-8") == result.stdout


def test_forgetting_a_client_takes_their_edited_recaps_along(sample) -> None:
    from companion.store.erase import forget_client

    store, session_id = sample.store, sample.first_session.id
    keep_edit(store, session_id, "text", "Dear Ana, EDITED-RECAP-WORDS\n")
    forget_client(store, sample.client.id)
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM recap_edits").fetchone()[0] == 0
    assert b"EDITED-RECAP-WORDS" not in store.path.read_bytes()
