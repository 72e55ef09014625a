"""`encrypt`, `decrypt`, `rekey`: the practice rewritten whole under another key, then swapped in.

One way for all three: SQLCipher's `sqlcipher_export` copies every table, index, trigger and
search index into a new file beside the practice, under the new key ('' for none); the copy is
checked (SQLite's integrity check, SQLCipher's page check, every table compared row by row with
the original); only then is it renamed over the practice, in one atomic step. Killed at any
moment, the practice is either the old file whole or the new one whole, never neither. Then the
old file's bytes (and its journal's) are overwritten with zeros and it is gone.

Zeroing on top is a courtesy, not a guarantee: an SSD or a copy-on-write file system may keep the
old blocks, and backups keep their copies. The README says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from companion.core.errors import refusal
from companion.core.models import now
from companion.services.files import sync_folder

from . import cipher
from .base import StoreError
from .checked import forget_check
from .lease import is_stale
from .paths import create_private_file
from .rows import LEASE_COLUMNS, lease_from_row
from .store import Store

_CHUNK = 1 << 20


def work_path(path: Path) -> Path:
    """The new file being written beside PATH (left over only by a crash: removed next time)."""
    return path.with_name(f".{path.name}.rewriting")


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def _refuse_if_held(store: Store, at: datetime) -> None:
    """A live window holding a session would go on writing to the old file: refused."""
    with store.reading() as db:
        rows = db.execute(f"SELECT {', '.join(LEASE_COLUMNS)} FROM session_leases").fetchall()
    for row in rows:
        lease = lease_from_row(tuple(row))
        if not is_stale(lease, at):
            raise StoreError(
                f"a session is open in companion (pid {lease.pid} on {lease.host}): close it "
                "first; nothing was changed"
            )


# SQLite's WAL index (the -shm file) carries a lock byte every connection holds shared while it
# has the database open in WAL mode (the "DMS" slot, byte 128): another process holding it still
# has the practice open, and would go on writing to the old file after the swap.
_DMS_BYTE = 128


def open_elsewhere(path: Path) -> bool:
    """Whether another process has PATH open (its WAL index locked); False if it cannot tell.

    POSIX locks are per process: called once this process has closed its own connections to
    PATH (closing the probe drops every lock this process holds on the -shm file).
    """
    shm = Path(f"{path}-shm")
    try:
        import fcntl
    except ImportError:  # Windows: no POSIX locks to ask
        return False
    try:
        with shm.open("r+b") as file:
            try:
                fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _DMS_BYTE)
            except OSError:
                return True
            fcntl.lockf(file, fcntl.LOCK_UN, 1, _DMS_BYTE)
    except OSError:  # no -shm file: nobody has it open in WAL mode
        return False
    return False


def _digests(connection: sqlite3.Connection) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows in order: what must survive the copy."""
    tables = [
        (str(name), " ".join(str(sql or "").upper().split()))
        for (name, sql) in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    found: dict[str, tuple[int, str]] = {}
    for table, sql in tables:
        if sql.startswith("CREATE VIRTUAL"):  # its rows are in its shadow tables, compared
            continue
        # A table WITHOUT ROWID is read in its primary key's order, the same in both files.
        order = "" if sql.endswith("WITHOUT ROWID") else " ORDER BY rowid"
        digest = hashlib.sha256()
        count = 0
        for row in connection.execute(f"SELECT * FROM [{table}]{order}"):
            digest.update(repr(row).encode("utf-8", "surrogateescape"))
            count += 1
        found[table] = (count, digest.hexdigest())
    return found


def _verify(target: Path, key: str, expected: dict[str, tuple[int, str]]) -> None:
    """The new file opens with KEY, is whole, and holds every row of the old one."""
    connection = cipher.connect(target, key, where=target)
    try:
        result = [str(row[0]) for row in connection.execute("PRAGMA integrity_check(1)")]
        if result != ["ok"]:
            raise StoreError("the new copy of the practice failed its check; nothing was changed")
        if key and connection.execute("PRAGMA cipher_integrity_check").fetchall():
            raise StoreError("the new copy of the practice failed its check; nothing was changed")
        if _digests(connection) != expected:
            raise StoreError(
                "the new copy of the practice differs from the old one; nothing was changed"
            )
    finally:
        connection.close()
    with target.open("rb") as file:
        header = file.read(len(cipher.SQLITE_HEADER))
    if bool(key) == (header == cipher.SQLITE_HEADER):
        raise StoreError("the new copy of the practice is not what was asked; nothing was changed")


def _fsync(path: Path) -> None:
    with path.open("rb+") as file:
        os.fsync(file.fileno())


def _zero(file: BinaryIO) -> None:
    """Overwrite an open file's bytes with zeros, and make the disk take them."""
    left = file.seek(0, os.SEEK_END)
    file.seek(0)
    while left > 0:
        step = min(left, _CHUNK)
        file.write(b"\0" * step)
        left -= step
    file.flush()
    os.fsync(file.fileno())


def rewrite(store: Store, old_key: str, new_key: str) -> None:
    """Rewrite STORE's file under NEW_KEY ('' for plain); STORE is closed when it returns.

    OLD_KEY opens it now ('' when plain). StoreError, with nothing changed, when a session is
    open in another window, the disk refuses the copy, or the copy fails its check.
    """
    path = store.path
    if path is None or store.read_only:
        raise StoreError("this practice cannot be rewritten (it is open read-only)")
    _refuse_if_held(store, now())
    work = work_path(path)
    source: sqlite3.Connection | None = None
    try:
        with store.writing(transaction=False) as db:
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            raise StoreError(
                "another companion window is reading the practice: close it first; nothing was "
                "changed"
            )
        store.close()
        if open_elsewhere(path):
            raise StoreError(
                "the practice is open in another companion window (or program): close it "
                "first; nothing was changed"
            )
        source = cipher.connect(path, old_key, where=path, timeout=10)
        expected = _digests(source)
        for stale in (work, *_sidecars(work)):  # a copy cut short by a crash: begun again
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        create_private_file(work)
        source.execute(f"ATTACH DATABASE ? AS rewritten KEY {cipher.quoted(new_key)}", [str(work)])
        source.execute("SELECT sqlcipher_export('rewritten')").fetchall()
        version = int(source.execute("PRAGMA main.user_version").fetchone()[0])
        source.execute(f"PRAGMA rewritten.user_version = {version}")
        source.execute("DETACH DATABASE rewritten")
        source.close()
        source = None
        _fsync(work)
        _verify(work, new_key, expected)
    except (sqlite3.Error, OSError) as error:
        with contextlib.suppress(OSError):
            work.unlink()
        reason = getattr(error, "strerror", None) or refusal(str(error)) or "SQLite refused it"
        raise StoreError(
            f"cannot rewrite the practice database {path}: {reason}; nothing was changed"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            work.unlink()
        raise
    finally:
        if source is not None:
            source.close()
    _swap(path, work)


def _swap(path: Path, work: Path) -> None:
    """WORK in PATH's place in one rename; then the old file's bytes zeroed, and it gone."""
    old = [path, *(side for side in _sidecars(path) if side.exists())]
    handles: list[BinaryIO] = []
    for each in old:
        with contextlib.suppress(OSError):
            handles.append(each.open("r+b"))
    for side in _sidecars(path):  # the old file's journal: empty after the checkpoint
        with contextlib.suppress(FileNotFoundError):
            side.unlink()
    os.replace(work, path)
    sync_folder(path.parent)
    forget_check(path)
    for handle in handles:
        with handle, contextlib.suppress(OSError):
            _zero(handle)
