"""What the encrypted practice's tests share (issue 13): the sample practice as a plain file,
encrypting it through the CLI, and reading every row of every table either way."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from companion.cli import cli
from companion.services import passphrase
from companion.store import Store, cipher

SECRET = "correct horse battery staple"
# Words found nowhere but in the sample practice (see conftest.sample) and the notes below.
WORDS = [b"Ana Lopez", b"Marc Dubois", b"Wants to open the meeting calmly", b"seems tired"]


def tables(connection: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
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


def plain_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return tables(connection)
    finally:
        connection.close()


def encrypted_rows(path: Path, key: str) -> dict[str, list[tuple[Any, ...]]]:
    connection = cipher.connect(path, key)
    try:
        return tables(connection)
    finally:
        connection.close()


def raw(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            data += side.read_bytes()
    return data


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def encrypt(runner: CliRunner, key: str = SECRET, *args: str) -> None:
    result = runner.invoke(
        cli,
        ["encrypt", *args],
        env={"COMPANION_PASSPHRASE": key},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    passphrase.forget_all()  # the next command is a new start


def open_with(path: Path, key: str = SECRET) -> Store:
    passphrase.opened_with(path, key)
    return Store.open(path)


def closed_plain(sample: Any, db_path: Path) -> Path:
    """The sample practice, closed, as a plain file with everything checkpointed into it."""
    sample.store.close()
    return db_path
