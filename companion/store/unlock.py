"""Opening an encrypted practice: whether it needs a passphrase, and the connection to it.

Kept apart from store.py so the plain practice's path stays as it was: `passphrase_of` is None
and `connection_to` is `sqlite3.connect` for every file with SQLite's header.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from companion.services import passphrase

from . import cipher
from .base import StoreError


def passphrase_of(path: Path, problem: str = "") -> str | None:
    """The passphrase that opens PATH, if it is encrypted (asked once per start); None if not.

    StoreError (one line) when SQLCipher is missing or no passphrase can be had. PROBLEM says
    why the coach is asked again (a wrong passphrase), see services.passphrase.
    """
    if not cipher.looks_encrypted(path):
        return None
    if not cipher.installed():
        raise StoreError(
            f"cannot open the practice database {path}: it is not an SQLite database, or it is "
            f"an encrypted practice and {cipher.missing('opening it')}; nothing was written to it"
        )
    try:
        return passphrase.passphrase_for(path, problem)
    except passphrase.NoPassphrase as error:
        raise StoreError(f"cannot open the practice database {path}: {error}") from None


def connection_to(target: str | Path, key: str | None, **options: Any) -> sqlite3.Connection:
    """A connection to TARGET: plain sqlite3 when KEY is None, else SQLCipher unlocked with it."""
    if key is None:
        return sqlite3.connect(target, **options)
    return cipher.connect(target, key, **options)


def unlocked(path: Path, key: str | None) -> None:
    """KEY opened PATH: this start does not ask for it again."""
    if key is not None:
        passphrase.opened_with(path, key)
