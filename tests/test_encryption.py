"""The practice encrypted at rest (issue 13): encrypt, decrypt, rekey, and the passphrase (a
wrong or empty one, getpass once per start, the keyring opt-in). Everything else on an encrypted
practice: test_encryption_works.py.

These need SQLCipher (`sqlcipher3-wheels`, in the test extra): without it they are skipped, and
pytest's summary (-ra) says why. The refusals without it are in test_encryption_missing.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner
from encryption_helpers import (
    SECRET,
    WORDS,
    closed_plain,
    digest,
    encrypt,
    encrypted_rows,
    open_with,
    plain_rows,
    raw,
)

from companion.cli import cli
from companion.core.models import Session
from companion.services import passphrase
from companion.store import cipher as cipher_module

sqlcipher3 = pytest.importorskip(
    "sqlcipher3", reason="SQLCipher not installed: pip install '.[encryption]' to run these"
)

from companion.store import cipher  # noqa: E402
from companion.store.recrypt import work_path  # noqa: E402


@pytest.fixture
def plain(sample: Any, db_path: Path) -> Path:
    return closed_plain(sample, db_path)


# -- point 1: encrypt, decrypt, rekey --------------------------------------------------------


def test_round_trip_keeps_every_record(runner: CliRunner, plain: Path) -> None:
    before = plain_rows(plain)
    assert before["notes"] and before["clients"]
    encrypt(runner)
    assert encrypted_rows(plain, SECRET) == before
    result = runner.invoke(
        cli,
        ["decrypt"],
        env={"COMPANION_PASSPHRASE": SECRET},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert plain.read_bytes().startswith(cipher_module.SQLITE_HEADER)
    assert plain_rows(plain) == before
    assert not work_path(plain).exists()


def test_plain_sqlite3_cannot_open_it(runner: CliRunner, plain: Path) -> None:
    encrypt(runner)
    connection = sqlite3.connect(plain)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        connection.execute("SELECT name FROM sqlite_master").fetchall()
    connection.close()


def test_byte_scan_finds_none_of_a_sessions_words(runner: CliRunner, plain: Path) -> None:
    assert all(word in raw(plain) for word in WORDS)  # the scan can fail: they are there first
    encrypt(runner)
    data = raw(plain)
    assert not [word for word in WORDS if word in data]
    # Written while the encrypted practice is open: the WAL is encrypted too.
    store = open_with(plain)
    assert store.encrypted
    client = store.find_client("Ana Lopez")
    assert client is not None and client.id is not None
    session = store.add_session(Session(client_id=client.id, protocol_id="grow"))
    assert session.id is not None
    store.save_notes(session.id, "Quillfeather Marzipan and the lighthouse plan")
    assert b"Quillfeather" not in raw(plain)
    store.close()
    assert b"Quillfeather" not in raw(plain)


def test_encrypting_twice_or_decrypting_a_plain_practice_is_refused(
    runner: CliRunner, plain: Path
) -> None:
    decrypted = run(runner, "decrypt")
    assert "is not encrypted" in one_line_error(decrypted)
    encrypt(runner)
    again = runner.invoke(
        cli,
        ["encrypt"],
        env={"COMPANION_PASSPHRASE": SECRET},
    )
    assert "already encrypted" in one_line_error(again)


def test_rekey_changes_the_passphrase(runner: CliRunner, plain: Path) -> None:
    before = plain_rows(plain)
    encrypt(runner)
    result = runner.invoke(
        cli,
        ["rekey"],
        env={"COMPANION_PASSPHRASE": SECRET, "COMPANION_NEW_PASSPHRASE": "new words"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with pytest.raises(cipher.WrongPassphrase):
        cipher.connect(plain, SECRET)
    assert encrypted_rows(plain, "new words") == before


# -- point 2: the passphrase -----------------------------------------------------------------


def test_a_wrong_passphrase_one_line_nothing_changed(runner: CliRunner, plain: Path) -> None:
    encrypt(runner)
    before = digest(plain)
    for command in (["sessions"], ["search", "meeting"], ["show", "1"], ["decrypt"], ["rekey"]):
        result = runner.invoke(
            cli,
            command,
            env={"COMPANION_PASSPHRASE": "not it", "COMPANION_NEW_PASSPHRASE": "other"},
        )
        line = one_line_error(result)
        assert "the passphrase does not open it" in line, command
        assert not [word for word in WORDS if word.decode() in line]
    assert digest(plain) == before
    assert not Path(f"{plain}-wal").exists()


def test_an_empty_passphrase_is_refused(runner: CliRunner, plain: Path) -> None:
    before = digest(plain)
    refused = runner.invoke(
        cli,
        ["encrypt"],
        env={"COMPANION_PASSPHRASE": ""},
    )
    assert "the passphrase is empty" in one_line_error(refused)
    assert digest(plain) == before  # still the plain file
    encrypt(runner)
    opening = runner.invoke(
        cli,
        ["sessions"],
        env={"COMPANION_PASSPHRASE": ""},
    )
    assert "the passphrase is empty" in one_line_error(opening)


def test_no_terminal_and_no_passphrase_says_what_to_do(runner: CliRunner, plain: Path) -> None:
    encrypt(runner)
    line = one_line_error(run(runner, "sessions"))
    assert "COMPANION_PASSPHRASE" in line and "encrypted" in line


class FakeTerminal:
    """getpass in a terminal: hands out the ANSWERS in turn, and counts the questions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        from companion.cli import encryption

        monkeypatch.setattr(encryption, "_terminal", lambda: True)
        monkeypatch.setattr(encryption.getpass, "getpass", self.ask)

    def ask(self, prompt: str = "") -> str:
        self.asked.append(prompt)
        return self.answers.pop(0)


def test_getpass_asks_twice_to_encrypt_and_once_per_start(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = FakeTerminal(monkeypatch, SECRET, SECRET)
    assert run(runner, "encrypt").exit_code == 0
    assert len(terminal.asked) == 2
    passphrase.forget_all()
    terminal.answers = [SECRET]
    result = run(runner, "sessions")
    assert result.exit_code == 0 and "Ana Lopez" in result.stdout
    assert len(terminal.asked) == 3  # once for this start


def test_two_different_new_passphrases_are_refused(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(plain)
    FakeTerminal(monkeypatch, SECRET, SECRET + "!")
    assert "differ" in one_line_error(run(runner, "encrypt"))
    assert digest(plain) == before


def test_remember_keeps_it_in_the_keyring_and_decrypt_takes_it_out(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring

    kept: dict[tuple[str, str], str] = {}
    monkeypatch.setattr(keyring, "set_password", lambda s, u, p: kept.__setitem__((s, u), p))
    monkeypatch.setattr(keyring, "get_password", lambda s, u: kept.get((s, u)))
    monkeypatch.setattr(keyring, "delete_password", lambda s, u: kept.pop((s, u)))
    encrypt(runner, SECRET, "--remember")
    assert list(kept.values()) == [SECRET]
    result = run(runner, "sessions")  # no terminal, no $COMPANION_PASSPHRASE: the keyring
    assert result.exit_code == 0 and "Ana Lopez" in result.stdout
    passphrase.forget_all()
    assert run(runner, "decrypt").exit_code == 0
    assert kept == {} and not passphrase.mark_path(plain).exists()


def test_the_keyring_is_not_asked_unless_remembered(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring

    def refuse(*args: Any) -> None:
        raise AssertionError("the keyring was asked")

    monkeypatch.setattr(keyring, "get_password", refuse)
    encrypt(runner)
    assert "COMPANION_PASSPHRASE" in one_line_error(run(runner, "sessions"))
