"""The practice encrypted at rest (issue 13): everything else keeps working on it (search,
export and import, forget, migrations, refusals, the full disk, rescue files, the doctor), and a
SIGKILL during `encrypt` leaves the old file or the new one.

These need SQLCipher (`sqlcipher3-wheels`, in the test extra): without it they are skipped, and
pytest's summary (-ra) says why. The refusals without it are in test_encryption_missing.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import one_line_error
from click.testing import CliRunner
from encryption_helpers import (
    SECRET,
    WORDS,
    closed_plain,
    encrypt,
    encrypted_rows,
    open_with,
    plain_rows,
    raw,
)

from companion.cli import cli
from companion.core.models import Client, Session
from companion.services import passphrase
from companion.store import Store, StoreError

sqlcipher3 = pytest.importorskip(
    "sqlcipher3", reason="SQLCipher not installed: pip install '.[encryption]' to run these"
)

from companion.store import cipher  # noqa: E402
from companion.store.recrypt import rewrite, work_path  # noqa: E402


@pytest.fixture
def plain(sample: Any, db_path: Path) -> Path:
    return closed_plain(sample, db_path)


# -- point 3: everything else keeps working --------------------------------------------------


def test_search_export_import_on_an_encrypted_practice(
    runner: CliRunner, plain: Path, tmp_path: Path
) -> None:
    encrypt(runner)
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
    encrypt(runner)
    env = {"COMPANION_PASSPHRASE": SECRET}
    result = runner.invoke(
        cli, ["forget", "--client", "Ana Lopez", "--yes"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert not plain.read_bytes().startswith(cipher.SQLITE_HEADER)
    passphrase.forget_all()
    decrypted = runner.invoke(cli, ["decrypt"], env=env, catch_exceptions=False)
    assert decrypted.exit_code == 0
    assert not [word for word in WORDS if word in raw(plain)]  # secure delete, then VACUUM


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
    store = open_with(encrypted)
    from companion.store.schema import migrations

    assert store.encrypted and not migrations.pending(store.db)
    store.close()


def test_sqlciphers_refusals_are_sqlites_for_the_store(runner: CliRunner, plain: Path) -> None:
    """A refused write on an encrypted practice is the same StoreError, with sqlite3's cause."""
    encrypt(runner)
    store = open_with(plain)
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

    encrypt(runner)
    store = open_with(plain)
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

    encrypt(runner)
    with pytest.raises(NotSetAside) as raised:
        write_rescue(plain, 1, "Quillfeather notes", datetime(2026, 12, 1, 10))
    assert "encrypted" in str(raised.value.strerror)
    assert find_rescues(plain) == []


def test_the_doctor_checks_an_encrypted_practice(runner: CliRunner, plain: Path) -> None:
    encrypt(runner)
    result = runner.invoke(cli, ["doctor"], env={"COMPANION_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    assert "encrypted" in result.stdout and "All is well." in result.stdout
    wrong = runner.invoke(cli, ["doctor"], env={"COMPANION_PASSPHRASE": "no"})
    assert "the passphrase does not open it" in one_line_error(wrong)


def test_a_copy_left_by_a_crash_is_replaced_next_time(runner: CliRunner, plain: Path) -> None:
    work_path(plain).write_bytes(b"half a copy")
    encrypt(runner)
    assert not work_path(plain).exists()
    assert encrypted_rows(plain, SECRET)["clients"]


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


@pytest.mark.crash  # COMPANION_CRASH_KILLS=40 for the full campaign, as CI runs it
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
    before = plain_rows(original)
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

    kills = int(os.environ.get("COMPANION_CRASH_KILLS", "6"))
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
            assert encrypted_rows(path, SECRET) == before, number
        else:
            seen["old"] += 1
            assert plain_rows(path) == before, number
    assert seen["old"] and seen["new"], seen  # the kills fell on both sides of the swap


def test_the_key_is_derived_once_per_start(
    runner: CliRunner, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first look and the connection that writes share one key derivation (a quarter of a
    second each at SQLCipher's default rounds)."""
    encrypt(runner)
    derived = []
    real = cipher.hashlib.pbkdf2_hmac

    def counting(*args: Any) -> bytes:
        derived.append(args[0])
        return real(*args)

    monkeypatch.setattr(cipher.hashlib, "pbkdf2_hmac", counting)
    cipher.forget_keys()
    for _ in range(2):
        store = open_with(plain)
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
        open_with(path).close()
    assert whole == [True, False, False]


def test_encrypt_warns_of_rescue_files_from_before(runner: CliRunner, plain: Path) -> None:
    from datetime import datetime

    from companion.services.rescue import write_rescue

    write_rescue(plain, 1, "Quillfeather notes set aside", datetime(2026, 12, 1, 10))
    result = runner.invoke(cli, ["encrypt"], env={"COMPANION_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    assert "1 rescue file from before hold notes unencrypted (sessions 1)" in result.stderr


def test_encrypt_refuses_while_another_process_has_the_practice_open(
    runner: CliRunner, plain: Path
) -> None:
    """A review left open elsewhere would go on writing to the old file after the swap."""
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from companion.store import Store; s = Store.open(sys.argv[1]); "
            "s.clients(); print('open', flush=True); sys.stdin.readline(); s.close()",
            str(plain),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        result = runner.invoke(cli, ["encrypt"], env={"COMPANION_PASSPHRASE": SECRET})
        assert "open in another companion window" in one_line_error(result)
        assert plain.read_bytes().startswith(cipher.SQLITE_HEADER)
    finally:
        holder.communicate("\n", timeout=30)
    encrypt(runner)  # once it is closed
    assert cipher.looks_encrypted(plain)
