"""The one door to the practice database: typed reads and writes that take and return models.

Here: opening (and refusing what must not be written to), the door every part goes through
(`reading()` / `writing()`), and the small row helpers. The reads and writes themselves are
the Store's parts, one module each: people (clients, engagements, goals), sessions (with notes
and step timings), outcomes (actions, scores, takeaways), search, timekeeping, lease,
lifecycle, corrections and recap_edits.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from companion.core.models import (
    Record,
)

from .base import NotFound, StoreError, sqlite_refusals
from .checked import record_clean_close
from .checks import check_before_open, read_only_uri, unwritable, writable_problem
from .corrections import SessionCorrections
from .lease import Leases
from .lifecycle import Lifecycle
from .outcomes import Outcomes
from .paths import create_private_file, practice_to_read, resolve_db_path
from .people import People
from .recap_edits import RecapEdits
from .rows import (
    constraint_refusals,
)
from .schema import migrations
from .search import Search
from .sessions import Sessions
from .timekeeping import Timekeeping
from .unlock import connection_to, passphrase_of, unlocked

M = TypeVar("M", bound=Record)


_WHAT: dict[str, str] = {
    "clients": "client",
    "engagements": "engagement",
    "goals": "goal",
    "sessions": "session",
    "notes": "notes",
    "session_periods": "session period",
    "step_timings": "step timing",
    "actions": "action",
    "goal_scores": "goal score",
    "takeaways": "takeaway",
}


class Store(
    People,
    Sessions,
    Outcomes,
    Search,
    Timekeeping,
    Leases,
    Lifecycle,
    RecapEdits,
    SessionCorrections,
):
    """A coach's practice: one SQLite file, opened once, migrated on open."""

    encrypted = False
    """Whether the file is encrypted (SQLCipher, see store/unlock.py)."""
    not_begun = False
    """True for the empty practice a command that only reads gets where none was begun yet."""

    def __init__(self, db: Database, path: Path | None = None, *, read_only: str = "") -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        """Why this practice was opened read-only, in a few words ('the file is read-only', see
        `open(reading=True)`); '' when it was not."""
        self._lock = threading.RLock()
        self._checked_at: datetime | None = None  # when a whole-file check last passed (open)
        db.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            migrations.apply(db)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, reading: bool = False) -> Store:
        """Open (creating if need be) the database at PATH, $COMPANION_DB or the default place.

        An existing file that is damaged, another program's or from a newer companion is refused
        (StoreError) before anything is written to it, and so is one companion could not save to
        (the file, its folder or its disk read-only) unless READING: a command that only reads
        then gets it opened read-only (`read_only` says why), if it needs no upgrade.

        READING never creates anything: a file PATH or $COMPANION_DB names that holds no
        practice is refused (NoPractice), and the default place with none yet reads as an
        empty practice (`not_begun`).
        """
        if reading:
            db_path, there = practice_to_read(path)
            if not there:
                return cls._not_begun(db_path)
        else:
            db_path = resolve_db_path(path)
        connection: sqlite3.Connection | None = None
        key = passphrase_of(db_path)  # an encrypted practice: its passphrase, asked once
        checked_at = check_before_open(db_path, key)  # before the first write: refuse the rest
        problem = writable_problem(db_path)  # nor what SQLite would open read-only without a word
        if problem:
            reason = unwritable(db_path)
            if reading and reason and db_path.is_file() and db_path.stat().st_size > 0:
                return cls._open_read_only(db_path, problem, reason[0], key)
            raise StoreError(problem)
        try:
            create_private_file(db_path)
            connection = connection_to(db_path, key, check_same_thread=False, timeout=10)
            db = Database(connection, execute_plugins=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            store = cls(db, db_path)
            store._checked_at = checked_at
            store.encrypted = key is not None
            unlocked(db_path, key)
            return store
        except (OSError, sqlite3.Error) as error:
            if connection is not None:
                connection.close()
            known = writable_problem(db_path)  # it became read-only meanwhile, or SQLite found so
            if known:
                raise StoreError(known) from None
            problem = getattr(error, "strerror", None) or error
            raise StoreError(f"cannot open the practice database {db_path}: {problem}") from None

    @classmethod
    def _open_read_only(
        cls, db_path: Path, problem: str, reason: str, key: str | None = None
    ) -> Store:
        """The practice at DB_PATH for reading only; StoreError(PROBLEM) if it cannot be read so.

        A practice from an older companion needs its upgrade written first: refused.
        """
        connection: sqlite3.Connection | None = None
        try:
            connection = connection_to(
                read_only_uri(db_path), key, uri=True, check_same_thread=False, timeout=10
            )
            db = Database(connection, execute_plugins=False)
            if migrations.pending(db):
                raise StoreError(problem)
            store = cls(db, db_path, read_only=reason)
            store.encrypted = key is not None
            unlocked(db_path, key)
            return store
        except (StoreError, sqlite3.Error):
            if connection is not None:
                connection.close()
            raise StoreError(problem) from None

    @classmethod
    def _not_begun(cls, db_path: Path) -> Store:
        """An empty practice in memory, standing for the one not begun yet at DB_PATH: a reader
        lists nothing, and anything that tries to write to it is refused."""
        store = cls.memory()
        store.db.execute("PRAGMA query_only = ON")
        store.path = db_path
        store.read_only = "no practice was begun there yet"
        store.not_begun = True
        return store

    @classmethod
    def memory(cls) -> Store:
        """An in-memory practice, for tests."""
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        return cls(Database(connection, execute_plugins=False))

    def close(self) -> None:
        """Close the file; one that was checked whole on open is noted as closed cleanly, so
        the next open need not read every page again (store/checked.py)."""
        with self._lock:
            self.db.close()
            if self.path is not None and self._checked_at is not None:
                record_clean_close(self.path, self._checked_at)
                self._checked_at = None

    # -- the door: every part of the store reads and writes through these ----------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[Database]:
        """The database under the lock, for reads that must agree with each other while the
        live screen's writer thread saves (one connection, shared by every thread).

        Re-entrant from the same thread; SQLite's errors come out as they are (no StoreError)."""
        with self._lock:
            yield self.db

    @contextlib.contextmanager
    def writing(self, *, transaction: bool = True) -> Iterator[Database]:
        """The database under the lock and in one transaction: all of the writes or none;
        SQLite's refusals (a full disk, a read-only file) come out as StoreError.

        Re-entrant from the same thread (the lock is an RLock): a writing() inside another is a
        savepoint of the outer transaction. TRANSACTION=False leaves the transactions to the
        caller, for what cannot run inside one (VACUUM, a WAL checkpoint, BEGIN IMMEDIATE).
        """
        with self._lock, sqlite_refusals(self.path):
            if not transaction:
                yield self.db
                return
            with self.db.atomic():
                yield self.db

    # -- helpers -----------------------------------------------------------------------------

    def _get(self, table: str, pk: int, model: type[M], what: str) -> M:
        try:
            return model.model_validate(self.db[table].get(pk))
        except NotFoundError:
            raise NotFound(f"no {what} with id {pk}") from None

    def _where(
        self,
        table: str,
        model: type[M],
        where: str | None = None,
        args: Sequence[Any] = (),
        order_by: str | None = None,
    ) -> list[M]:
        rows = self.db[table].rows_where(where, list(args), order_by=order_by)
        return [model.model_validate(row) for row in rows]

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        row = {key: value for key, value in row.items() if not (key == "id" and value is None)}
        with constraint_refusals(_WHAT[table]):
            return self.db[table].insert(row).last_pk

    def _update(self, table: str, pk: int | None, row: dict[str, Any], what: str) -> None:
        if pk is None:
            raise StoreError(f"cannot update a {what} that was never saved")
        row = {key: value for key, value in row.items() if key != "id"}
        try:
            with constraint_refusals(what):
                self.db[table].update(pk, row)
        except NotFoundError:
            raise NotFound(f"no {what} with id {pk}") from None
