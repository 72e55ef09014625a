"""The practice encrypted at rest (issue 13): encrypt, decrypt, rekey, the passphrase, and
everything else still working on an encrypted practice.

These need SQLCipher (`sqlcipher3-binary`, in the test extra): without it they are skipped, and
pytest's summary (-ra) says why. The refusals without it are in test_encryption_missing.py.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import one_line_error, run
from click.testing import CliRunner

from companion.cli import cli
from companion.core.models import Client, Session
from companion.services import passphrase
from companion.store import Store, StoreError
from companion.store import cipher as cipher_module

sqlcipher3 = pytest.importorskip(
    "sqlcipher3", reason="SQLCipher not installed: pip install '.[encryption]' to run these"
)

from companion.store import cipher  # noqa: E402
from companion.store.recrypt import rewrite, work_path  # noqa: E402

SECRET = "correct horse battery staple"
# Words found nowhere but in the sample practice (see conftest.sample) and the notes below.
WORDS = [b"Ana Lopez", b"Marc Dubois", b"Wants to open the meeting calmly", b"seems tired"]


def _tables(connection: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search indexes' shadow tables too), in order."""
    found = {}
    for name, sql in connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall():
        if str(sql).upper().startswith("CREATE VIRTUAL"):
            continue
        order = "" if "WITHOUT ROWID" in str(sql).upper() else " ORDER BY rowid"
        found[name] = [tuple(row) for row in connection.execute(f"SELECT * FROM [{name}]{order}")]
    return found


def _plain_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return _tables(connection)
    finally:
        connection.close()


def _encrypted_rows(path: Path, key: str) -> dict[str, list[tuple[Any, ...]]]:
    connection = cipher.connect(path, key)
    try:
        return _tables(connection)
    finally:
        connection.close()


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            data += side.read_bytes()
    return data


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _encrypt(runner: CliRunner, key: str = SECRET, *args: str) -> None:
    result = runner.invoke(
        cli,
        ["encrypt", *args],
        env={"COMPANION_PASSPHRASE": key},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    passphrase.forget_all()  # the next command is a new start


def _open(path: Path, key: str = SECRET) -> Store:
    passphrase.opened_with(path, key)
    return Store.open(path)


@pytest.fixture
def plain(sample: Any, db_path: Path) -> Path:
    """The sample practice, closed, as a plain file with everything checkpointed into it."""
    sample.store.close()
    return db_path


# -- point 1: encrypt, decrypt, rekey --------------------------------------------------------


def test_round_trip_keeps_every_record(runner: CliRunner, plain: Path) -> None:
    before = _plain_rows(plain)
    assert before["notes"] and before["clients"]
    _encrypt(runner)
    assert _encrypted_rows(plain, SECRET) == before
    result = runner.invoke(
        cli,
        ["decrypt"],
        env={"COMPANION_PASSPHRASE": SECRET},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert plain.read_bytes().startswith(cipher_module.SQLITE_HEADER)
    assert _plain_rows(plain) == before
    assert not work_path(plain).exists()


def test_plain_sqlite3_cannot_open_it(runner: CliRunner, plain: Path) -> None:
    _encrypt(runner)
    connection = sqlite3.connect(plain)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        connection.execute("SELECT name FROM sqlite_master").fetchall()
    connection.close()


def test_byte_scan_finds_none_of_a_sessions_words(runner: CliRunner, plain: Path) -> None:
    assert all(word in _raw(plain) for word in WORDS)  # the scan can fail: they are there first
    _encrypt(runner)
    data = _raw(plain)
    assert not [word for word in WORDS if word in data]
    # Written while the encrypted practice is open: the WAL is encrypted too.
    store = _open(plain)
    assert store.encrypted
    client = store.find_client("Ana Lopez")
    assert client is not None and client.id is not None
    session = store.add_session(Session(client_id=client.id, protocol_id="grow"))
    assert session.id is not None
    store.save_notes(session.id, "Quillfeather Marzipan and the lighthouse plan")
    assert b"Quillfeather" not in _raw(plain)
    store.close()
    assert b"Quillfeather" not in _raw(plain)


def test_encrypting_twice_or_decrypting_a_plain_practice_is_refused(
    runner: CliRunner, plain: Path
) -> None:
    decrypted = run(runner, "decrypt")
    assert "is not encrypted" in one_line_error(decrypted)
    _encrypt(runner)
    again = runner.invoke(
        cli,
        ["encrypt"],
        env={"COMPANION_PASSPHRASE": SECRET},
    )
    assert "already encrypted" in one_line_error(again)


def test_rekey_changes_the_passphrase(runner: CliRunner, plain: Path) -> None:
    before = _plain_rows(plain)
    _encrypt(runner)
    result = runner.invoke(
        cli,
        ["rekey"],
        env={"COMPANION_PASSPHRASE": SECRET, "COMPANION_NEW_PASSPHRASE": "new words"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with pytest.raises(cipher.WrongPassphrase):
        cipher.connect(plain, SECRET)
    assert _encrypted_rows(plain, "new words") == before


# -- point 2: the passphrase -----------------------------------------------------------------


def test_a_wrong_passphrase_one_line_nothing_changed(runner: CliRunner, plain: Path) -> None:
    _encrypt(runner)
    before = _digest(plain)
    for command in (["sessions"], ["search", "meeting"], ["show", "1"], ["decrypt"], ["rekey"]):
        result = runner.invoke(
            cli,
            command,
            env={"COMPANION_PASSPHRASE": "not it", "COMPANION_NEW_PASSPHRASE": "other"},
        )
        line = one_line_error(result)
        assert "the passphrase does not open it" in line, command
        assert not [word for word in WORDS if word.decode() in line]
    assert _digest(plain) == before
    assert not Path(f"{plain}-wal").exists()


def test_an_empty_passphrase_is_refused(runner: CliRunner, plain: Path) -> None:
    before = _digest(plain)
    refused = runner.invoke(
        cli,
        ["encrypt"],
        env={"COMPANION_PASSPHRASE": ""},
    )
    assert "the passphrase is empty" in one_line_error(refused)
    assert _digest(plain) == before  # still the plain file
    _encrypt(runner)
    opening = runner.invoke(
        cli,
        ["sessions"],
        env={"COMPANION_PASSPHRASE": ""},
    )
    assert "the passphrase is empty" in one_line_error(opening)


def test_no_terminal_and_no_passphrase_says_what_to_do(runner: CliRunner, plain: Path) -> None:
    _encrypt(runner)
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
    before = _digest(plain)
    FakeTerminal(monkeypatch, SECRET, SECRET + "!")
    assert "differ" in one_line_error(run(runner, "encrypt"))
    assert _digest(plain) == before


def test_remember_keeps_it_in_the_keyring_and_decrypt_takes_it_out(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring

    kept: dict[tuple[str, str], str] = {}
    monkeypatch.setattr(keyring, "set_password", lambda s, u, p: kept.__setitem__((s, u), p))
    monkeypatch.setattr(keyring, "get_password", lambda s, u: kept.get((s, u)))
    monkeypatch.setattr(keyring, "delete_password", lambda s, u: kept.pop((s, u)))
    _encrypt(runner, SECRET, "--remember")
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
    _encrypt(runner)
    assert "COMPANION_PASSPHRASE" in one_line_error(run(runner, "sessions"))


# -- point 3: everything else keeps working --------------------------------------------------


def test_search_export_import_on_an_encrypted_practice(
    runner: CliRunner, plain: Path, tmp_path: Path
) -> None:
    _encrypt(runner)
    env = {"COMPANION_PASSPHRASE": SECRET}
    found = runner.invoke(cli, ["search", "calmly"], env=env, catch_exceptions=False)
    assert found.exit_code == 0 and "Ana Lopez" in found.stdout
    out = tmp_path / "exported"
    result = runner.invoke(cli, ["export", "--out", str(out)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (exported,) = out.glob("*.json")
    other = tmp_path / "other.db"
    imported = runner.invoke(
        cli, ["--db", str(other), "import", str(exported)], catch_exceptions=False
    )
    assert imported.exit_code == 0, imported.output
    store = Store.open(other)
    assert store.find_client("Ana Lopez") is not None
    store.close()


def test_forget_vacuums_the_encrypted_practice(runner: CliRunner, plain: Path) -> None:
    _encrypt(runner)
    env = {"COMPANION_PASSPHRASE": SECRET}
    result = runner.invoke(
        cli, ["forget", "--client", "Ana Lopez", "--yes"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert not plain.read_bytes().startswith(cipher.SQLITE_HEADER)
    passphrase.forget_all()
    decrypted = runner.invoke(cli, ["decrypt"], env=env, catch_exceptions=False)
    assert decrypted.exit_code == 0
    assert not [word for word in WORDS if word in _raw(plain)]  # secure delete, then VACUUM


def test_an_old_encrypted_practice_is_migrated(tmp_path: Path) -> None:
    fixtures = sorted((Path(__file__).parent / "fixtures" / "schemas").glob("v0*.db"))
    assert fixtures
    old = tmp_path / "old.db"
    old.write_bytes(fixtures[0].read_bytes())
    source = cipher.connect(old, "")
    encrypted = tmp_path / "encrypted.db"
    source.execute(f"ATTACH DATABASE ? AS e KEY {cipher.quoted(SECRET)}", [str(encrypted)])
    source.execute("SELECT sqlcipher_export('e')")
    source.execute("DETACH DATABASE e")
    source.close()
    store = _open(encrypted)
    from companion.store.schema import migrations

    assert store.encrypted and not migrations.pending(store.db)
    store.close()


def test_sqlciphers_refusals_are_sqlites_for_the_store(runner: CliRunner, plain: Path) -> None:
    """A refused write on an encrypted practice is the same StoreError, with sqlite3's cause."""
    _encrypt(runner)
    store = _open(plain)
    with pytest.raises(StoreError, match="does not exist"):  # SQLCipher's IntegrityError
        store.add_session(Session(client_id=9999, protocol_id="grow"))
    with pytest.raises(StoreError) as raised, store.writing() as db:
        db.execute("INSERT INTO sessions (client_id, protocol_id) VALUES (9999, 'grow')")
    assert isinstance(raised.value.__cause__, sqlite3.IntegrityError)
    with pytest.raises(sqlite3.OperationalError), store.reading() as db:
        db.execute("SELECT nothing FROM nowhere")
    store.close()


def test_the_full_disk_on_an_encrypted_practice(runner: CliRunner, plain: Path) -> None:
    from disk_faults import filling_disk

    _encrypt(runner)
    store = _open(plain)
    disk = filling_disk(store)
    disk.full = True
    with pytest.raises(StoreError, match="the disk is full"):
        store.add_client(Client(name="Nobody Yet"))
    disk.full = False
    store.add_client(Client(name="Somebody Now"))
    store.close()


def test_no_rescue_file_beside_an_encrypted_practice(runner: CliRunner, plain: Path) -> None:
    from datetime import datetime

    from companion.services.rescue import NotSetAside, find_rescues, write_rescue

    _encrypt(runner)
    with pytest.raises(NotSetAside) as raised:
        write_rescue(plain, 1, "Quillfeather notes", datetime(2026, 12, 1, 10))
    assert "encrypted" in str(raised.value.strerror)
    assert find_rescues(plain) == []


def test_the_doctor_checks_an_encrypted_practice(runner: CliRunner, plain: Path) -> None:
    _encrypt(runner)
    result = runner.invoke(cli, ["doctor"], env={"COMPANION_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    assert "encrypted" in result.stdout and "All is well." in result.stdout
    wrong = runner.invoke(cli, ["doctor"], env={"COMPANION_PASSPHRASE": "no"})
    assert "the passphrase does not open it" in one_line_error(wrong)


def test_a_copy_left_by_a_crash_is_replaced_next_time(runner: CliRunner, plain: Path) -> None:
    work_path(plain).write_bytes(b"half a copy")
    _encrypt(runner)
    assert not work_path(plain).exists()
    assert _encrypted_rows(plain, SECRET)["clients"]


def test_rewrite_refuses_while_a_session_is_held_elsewhere(plain: Path) -> None:
    import os

    from companion.core.models import now

    store = Store.open(plain)
    session = store.add_session(Session(client_id=1, protocol_id="grow"))
    assert session.id is not None
    store.take_lease(session.id, token="other", pid=os.getpid(), host="elsewhere", at=now())
    with pytest.raises(StoreError, match="close it first"):
        rewrite(store, "", SECRET)
    store.close()
    assert plain.read_bytes().startswith(cipher.SQLITE_HEADER)
    assert not work_path(plain).exists()


# -- SIGKILL during encrypt ------------------------------------------------------------------


def _killed(path: Path, env: dict[str, str], when: Callable[[float], bool]) -> None:
    """Run `companion encrypt` on PATH; SIGKILL it as soon as WHEN(seconds since start) holds
    (or let it end)."""
    import subprocess
    import sys
    import time

    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "companion", "--db", str(path), "encrypt"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while process.poll() is None:
        if when(time.monotonic() - started):
            process.kill()
            break
        time.sleep(0.001)
    process.wait()


def test_sigkill_during_encrypt_leaves_the_old_file_or_the_new_one(
    tmp_path: Path, protocols: Any
) -> None:
    """Killed anywhere, the practice opens: plain as it was, or encrypted and the same."""
    import os
    import time

    from companion.services.demo import fill_demo

    original = tmp_path / "original.db"
    store = Store.open(original)
    fill_demo(store, protocols, clients=6, sessions=300)
    store.close()
    before = _plain_rows(original)
    env = {**os.environ, "COMPANION_PASSPHRASE": SECRET}
    path = tmp_path / "practice.db"
    work = work_path(path)

    def fresh() -> None:
        path.write_bytes(original.read_bytes())
        for side in (Path(f"{path}-wal"), Path(f"{path}-shm"), work):
            side.unlink(missing_ok=True)

    fresh()
    started = time.monotonic()
    _killed(path, env, lambda _: False)  # once whole: how long there is to kill it in
    whole = time.monotonic() - started
    assert cipher.looks_encrypted(path)
    copying: dict[str, bool] = {}

    def after_the_swap(_: float) -> bool:  # the copy was there and is gone: zeroing the old
        copying["seen"] = copying.get("seen", False) or work.exists()
        return copying["seen"] and not work.exists()

    kills = int(os.environ.get("COMPANION_CRASH_KILLS", "10"))
    moments: list[Callable[[float], bool]] = [
        lambda _: work.exists(),  # the copy begun
        lambda _: work.exists() and work.stat().st_size > 0,  # the copy being written
        after_the_swap,
        *(lambda t, n=n: t >= whole * (n + 0.5) / kills for n in range(kills)),
    ]
    seen = {"old": 0, "new": 0}
    for number, moment in enumerate(moments):
        fresh()
        copying.clear()
        _killed(path, env, moment)
        if cipher.looks_encrypted(path):
            seen["new"] += 1
            assert _encrypted_rows(path, SECRET) == before, number
        else:
            seen["old"] += 1
            assert _plain_rows(path) == before, number
    assert seen["old"] and seen["new"], seen  # the kills fell on both sides of the swap


def test_the_key_is_derived_once_per_start(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first look and the connection that writes share one key derivation (a quarter of a
    second each at SQLCipher's default rounds)."""
    _encrypt(runner)
    derived = []
    real = cipher.hashlib.pbkdf2_hmac

    def counting(*args: Any) -> bytes:
        derived.append(args[0])
        return real(*args)

    monkeypatch.setattr(cipher.hashlib, "pbkdf2_hmac", counting)
    cipher.forget_keys()
    for _ in range(2):
        store = _open(plain)
        assert store.find_client("Ana Lopez") is not None
        store.close()
    assert derived == ["sha512"]


def test_a_big_encrypted_practice_closed_cleanly_skips_the_whole_check(
    tmp_path: Path, protocols: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its pages are authenticated as they are read: from 2 MB, a clean close is recorded and
    the next open skips quick_check, as a plain practice does from 16 MB."""
    from companion.services.demo import fill_demo
    from companion.store import checked, checks

    path = tmp_path / "big.db"
    store = Store.open(path)
    fill_demo(store, protocols, clients=8, sessions=400)
    rewrite(store, "", SECRET)
    assert checked.ENCRYPTED_CHECK_BELOW < path.stat().st_size < checked.ALWAYS_CHECK_BELOW
    whole: list[bool] = []
    first_look = checks._first_look

    def spy(path: Path, **options: Any) -> str | None:
        whole.append(not options["whole"])
        return first_look(path, **options)

    monkeypatch.setattr(checks, "_first_look", spy)
    for _ in range(3):
        _open(path).close()
    assert whole == [True, False, False]
