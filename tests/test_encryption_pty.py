"""The real `companion start` on an encrypted practice, in a pseudo-terminal (issue 13): the
passphrase typed on its screen, notes typed, then SIGKILL: the notes are in the practice, and
the practice's bytes hold none of them. Skipped without SQLCipher (pytest -ra says so)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from companion.core.models import Client
from companion.services import passphrase
from companion.store import Store

pytest.importorskip(
    "sqlcipher3", reason="SQLCipher not installed: pip install '.[encryption]' to run these"
)

from pty_app import RealApp

from companion.store import cipher
from companion.store.recrypt import rewrite

SECRET = "tides and the long shore"
WORDS = "Saffronwick lighthouse Quorvane"


def _notes(db: Path) -> str:
    connection = cipher.connect(db, SECRET)
    try:
        return " ".join(str(text) for (text,) in connection.execute("SELECT text FROM notes"))
    finally:
        connection.close()


def test_unlocked_on_screen_and_killed_the_notes_are_kept_encrypted(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    store = Store.open(db)
    store.add_client(Client(name="Pat"))
    rewrite(store, "", SECRET)
    passphrase.forget_all()
    with RealApp(["start", "--client", "Pat"], tmp_path, cols=100, rows=30, db=db) as app:
        app.wait_for("Encrypted practice")
        app.write("wrong")
        app.press("enter")
        app.wait_for("does not open it")
        app.write(SECRET)
        app.press("enter")
        app.wait_for("Step 1 of")
        app.write(WORDS)
        deadline = time.monotonic() + 30
        while WORDS not in _notes(db):  # saved by the app (read through a second connection)
            assert time.monotonic() < deadline, "the notes never reached the practice"
            time.sleep(0.05)
        app.signal(signal.SIGKILL)
        app.wait_exit()
    assert SECRET.encode() not in app.all_output  # typed blind
    assert WORDS in _notes(db)
    raw = db.read_bytes() + (Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else b"")
    assert not [word for word in WORDS.split() if word.encode() in raw]
