"""Without SQLCipher (the `encryption` extra): the commands and an encrypted practice say how to
get it, in one line. Runs whether or not it is installed (it is hidden when it is)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.store import cipher

INSTALL = "pip install 'companion[encryption]'"


@pytest.fixture(autouse=True)
def without_sqlcipher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cipher, "_module", lambda: None)


@pytest.mark.parametrize("command", ["encrypt", "decrypt", "rekey"])
def test_the_commands_say_how_to_get_it(runner: CliRunner, command: str) -> None:
    line = one_line_error(run(runner, command))
    assert INSTALL in line and command in line


def test_an_encrypted_practice_says_how_to_open_it(runner: CliRunner, db_path: Path) -> None:
    db_path.write_bytes(os.urandom(8192))  # what an encrypted practice looks like without a key
    before = db_path.read_bytes()
    line = one_line_error(run(runner, "sessions"))
    assert INSTALL in line and "nothing was written" in line
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()


def test_a_file_that_is_not_whole_pages_is_still_not_sqlite(
    runner: CliRunner, db_path: Path
) -> None:
    db_path.write_text("my shopping list\n")
    line = one_line_error(run(runner, "sessions"))
    assert "is not an SQLite database" in line and INSTALL not in line
