"""Checks on a database file before companion writes a byte to it, and the doctor's full check.

Every check here reads through a connection that cannot write. A file that already exists must
be an SQLite file, whole (`PRAGMA quick_check`), and companion's own: either empty of tables or
carrying companion's migrations record, none of them unknown to this version.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from companion.core.terms import now

from . import cipher
from .base import StoreError
from .checked import forget_check, last_check

SQLITE_HEADER = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_SET = "companion"
# The tables a first open leaves if it stops between creating the record and the first migration.
_BOOKKEEPING = {MIGRATIONS_TABLE}


@cache
def known_migrations() -> frozenset[str]:
    """The names of every migration this companion knows (read-only on an empty database)."""
    from sqlite_utils import Database

    from .schema import migrations

    return frozenset(migration.name for migration in migrations.pending(Database(memory=True)))


@contextlib.contextmanager
def read_only(path: Path, passphrase: str | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to PATH that cannot write to it, nor leave -wal or -shm files beside it.

    A read-only connection to a file in WAL mode creates the -wal and -shm files when they are
    missing, and cannot remove them again. When there is no -wal file no one has the file open
    in WAL mode and everything is in the main file, so it is read as immutable (no locks, no
    side files); when there is one, the usual read-only mode reads the -wal too. An encrypted
    practice is read through SQLCipher with PASSPHRASE (WrongPassphrase if it does not open it).
    """
    if passphrase is None:
        connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=10)
    else:
        connection = cipher.connect(
            read_only_uri(path), passphrase, where=path, uri=True, timeout=10
        )
    try:
        yield connection
    finally:
        connection.close()


def read_only_uri(path: Path) -> str:
    """The URI that opens PATH without writing to it (see `read_only`)."""
    mode = "mode=ro" if Path(f"{path}-wal").exists() else "mode=ro&immutable=1"
    return f"{path.resolve().as_uri()}?{mode}"


def _header(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER))


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY name"
    )
    return [name for (name,) in rows]


@dataclass
class Identity:
    """Whose a readable database is: companion's (maybe newer), nobody's yet, or another's."""

    tables: list[str]
    applied: list[str] = field(default_factory=list)  # companion's migrations, as recorded
    other_sets: list[str] = field(default_factory=list)  # other programs' migration sets

    @property
    def empty(self) -> bool:
        return not self.applied and not self.other_sets and set(self.tables) <= _BOOKKEEPING

    @property
    def unknown(self) -> list[str]:
        return [name for name in self.applied if name not in known_migrations()]

    @property
    def foreign(self) -> bool:
        return not self.empty and (not self.applied or bool(self.other_sets))


def identify(connection: sqlite3.Connection) -> Identity:
    tables = _tables(connection)
    identity = Identity(tables)
    if MIGRATIONS_TABLE in tables:
        try:
            rows = connection.execute(
                f"SELECT migration_set, name FROM {MIGRATIONS_TABLE} ORDER BY rowid"
            ).fetchall()
        except sqlite3.OperationalError:  # a table of that name, but not sqlite-utils' record
            identity.other_sets = [f"a {MIGRATIONS_TABLE} table companion cannot read"]
            return identity
        identity.applied = [str(name) for owner, name in rows if owner == MIGRATION_SET]
        identity.other_sets = sorted({str(owner) for owner, _ in rows if owner != MIGRATION_SET})
    return identity


def _listed(names: list[str], most: int = 4) -> str:
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def identity_problem(path: Path, identity: Identity) -> str | None:
    """One line saying why this file is not a practice this companion may open, or None."""
    if identity.foreign:
        whose = (
            f"migrations of {_listed(identity.other_sets)}"
            if identity.other_sets
            else f"tables {_listed(identity.tables)}"
        )
        return (
            f"cannot open the practice database {path}: it is another program's SQLite "
            f"database ({whose}): give companion another file with --db or $COMPANION_DB; "
            "nothing was written to it"
        )
    if identity.unknown:
        return (
            f"cannot open the practice database {path}: it was made by a newer companion "
            f"(migration {_listed(identity.unknown)} is unknown to this version): upgrade "
            "companion to open it; nothing was written to it"
        )
    return None


def damaged(path: Path, problem: str) -> str:
    problem = " ".join(problem.replace("*** in database main ***", "").split())
    return (
        f"cannot open the practice database {path}: it is damaged ({problem}): run "
        f"`companion --db {path} doctor` for details and restore a backup; nothing was written "
        "to it"
    )


def not_sqlite(path: Path) -> str:
    return (
        f"cannot open the practice database {path}: it is not an SQLite database: give "
        "companion another file with --db or $COMPANION_DB; nothing was written to it"
    )


def check_before_open(path: Path, passphrase: str | None = None) -> datetime:
    """Refuse (StoreError, one line) an existing file companion must not write to; else say
    when the whole-file check its present state descends from passed (now, unless skipped: see
    store/checked.py).

    A missing or empty file passes: it becomes a new practice. An encrypted one is read with
    PASSPHRASE; a wrong one is refused (WrongPassphrase) before anything is written.
    """
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return now()
        if passphrase is None and _header(path) != SQLITE_HEADER:
            raise StoreError(not_sqlite(path))
        checked_at = last_check(path)
        wal_before = Path(f"{path}-wal").exists()
        problem = _first_look(path, whole=checked_at is not None, passphrase=passphrase)
        if problem and not wal_before and Path(f"{path}-wal").exists():
            # Another companion began writing while the file was read as immutable: look again.
            problem = _first_look(path, whole=False, passphrase=passphrase)
    except OSError as error:
        problem = error.strerror or str(error)
        raise StoreError(f"cannot open the practice database {path}: {problem}") from None
    if problem:
        forget_check(path)
        raise StoreError(problem)
    return checked_at or now()


def _read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): say "read-only", not where
        return False


def unwritable(path: Path) -> tuple[str, str] | None:
    """Why companion could not save to the practice at PATH and what to do, or None.

    SQLite opens a file it cannot write read-only without a word, and keeps its journal (the -wal
    and -shm files) beside the database: both the file and its folder must take writes. Asked
    before SQLite opens the file, so a refused practice keeps every byte and gets no side files.
    """
    elsewhere = "give companion another file with --db or $COMPANION_DB"
    folder = path.parent
    if path.exists():
        if not os.access(path, os.W_OK):
            if _read_only_mount(path):
                return (
                    "it is on a read-only file system",
                    "copy it to a writable folder and give companion the copy with --db or "
                    "$COMPANION_DB",
                )
            return "the file is read-only", f"make it writable (chmod u+w {path}) or {elsewhere}"
        if not os.access(folder, os.W_OK | os.X_OK):
            return (
                f"its folder {folder} is read-only, and SQLite keeps its journal (the -wal and "
                "-shm files) beside the database",
                "make the folder writable, or move the file to a writable folder and give "
                "companion that path with --db or $COMPANION_DB",
            )
        return None
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        where = "is on a read-only file system" if _read_only_mount(existing) else "is read-only"
        return (
            f"{existing} {where}",
            "give companion a file in a writable folder with --db or $COMPANION_DB",
        )
    return None


def writable_problem(path: Path) -> str | None:
    """One line saying why companion could read the practice at PATH but not save to it, or None."""
    found = unwritable(path)
    if found is None:
        return None
    reason, advice = found
    if not path.exists():
        return f"cannot create the practice database {path}: {reason}: {advice}"
    return (
        f"cannot open the practice database {path}: {reason}, and companion saves as you work: "
        f"{advice}; nothing was written to it"
    )


def _first_look(path: Path, *, whole: bool, passphrase: str | None = None) -> str | None:
    """Why companion must not write to this SQLite file, or None; quick_check(1) is enough,
    and is skipped when the file is known WHOLE (as companion last closed it)."""
    try:
        with read_only(path, passphrase) as connection:
            if not whole:
                result = [str(row[0]) for row in connection.execute("PRAGMA quick_check(1)")]
                if result != ["ok"]:
                    return damaged(path, " ".join(result[0].split()))
            return identity_problem(path, identify(connection))
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "unable to open" in str(error):
            raise StoreError(f"cannot open the practice database {path}: {error}") from None
        return damaged(path, " ".join(str(error).split()))
    except sqlite3.DatabaseError as error:  # "file is not a database", a malformed schema, ...
        return damaged(path, " ".join(str(error).split()))


# -- the doctor ------------------------------------------------------------------------------


@dataclass
class Finding:
    check: str
    ok: bool
    detail: str


def examine(path: Path, searchable: list[str], passphrase: str | None = None) -> list[Finding]:
    """Every check the doctor makes on PATH, read-only; the first failing one may end the list.

    An encrypted practice is read with PASSPHRASE."""
    findings: list[Finding] = []
    if not path.is_file():
        return [Finding("file", False, f"there is no practice at {path}")]
    if path.stat().st_size == 0:
        return [Finding("file", True, "empty: it becomes a new practice when companion opens it")]
    if passphrase is not None:
        findings.append(Finding("file", True, "an encrypted SQLite database (SQLCipher)"))
    elif _header(path) != SQLITE_HEADER:
        return [Finding("file", False, "not an SQLite database")]
    else:
        findings.append(Finding("file", True, "an SQLite database"))
    try:
        with read_only(path, passphrase) as connection:
            rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check(20)")]
            if rows != ["ok"]:
                detail = "; ".join(" ".join(row.split()) for row in rows)
                findings.append(Finding("integrity", False, detail))
                return findings
            findings.append(Finding("integrity", True, "ok"))
            identity = identify(connection)
            problem = identity_problem(path, identity)
            if problem:
                findings.append(Finding("practice", False, problem))
                return findings
            if identity.empty:
                findings.append(Finding("practice", True, "no tables yet: a new practice"))
                return findings
            findings.append(
                Finding("practice", True, f"{len(identity.applied)} migrations, all known")
            )
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                tables = sorted({str(row[0]) for row in broken})
                detail = f"{len(broken)} rows refer to rows that are gone (in {_listed(tables)})"
                findings.append(Finding("references", False, detail))
            else:
                findings.append(Finding("references", True, "ok"))
            findings.extend(_search_indexes(connection, identity.tables, searchable))
    except sqlite3.DatabaseError as error:
        findings.append(Finding("integrity", False, " ".join(str(error).split())))
    return findings


def _search_indexes(
    connection: sqlite3.Connection, tables: list[str], searchable: list[str]
) -> list[Finding]:
    """FTS5's own integrity check, on a copy in memory: on the file it would need to write."""
    present = [f"{table}_fts" for table in searchable if f"{table}_fts" in tables]
    if not present:
        return []
    if isinstance(connection, cipher.CipherConnection):  # no backup from an encrypted file
        return _search_indexes_encrypted(connection, present)
    copy = sqlite3.connect(":memory:")
    try:
        connection.backup(copy)
        problems = []
        for fts in present:
            try:
                copy.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"{fts}: {' '.join(str(error).split())}")
    finally:
        copy.close()
    if problems:
        return [Finding("search index", False, "; ".join(problems))]
    return [Finding("search index", True, f"ok ({', '.join(present)})")]


def _search_indexes_encrypted(
    connection: cipher.CipherConnection, present: list[str]
) -> list[Finding]:
    """FTS5's check on an encrypted practice: on a copy in memory made by sqlcipher_export."""
    connection.execute("ATTACH DATABASE ':memory:' AS copy KEY ''")
    problems = []
    try:
        connection.execute("SELECT sqlcipher_export('copy')").fetchall()
        # The export writes the copy's schema behind SQLite's back: a new cookie makes it read.
        version = int(connection.execute("PRAGMA copy.schema_version").fetchall()[0][0])
        connection.execute(f"PRAGMA copy.schema_version = {version + 1}")
        for fts in present:
            try:
                connection.execute(f"INSERT INTO copy.[{fts}]([{fts}]) VALUES ('integrity-check')")
            except sqlite3.DatabaseError as error:
                problems.append(f"{fts}: {' '.join(str(error).split())}")
    finally:
        connection.rollback()  # the checks' INSERTs began a transaction, on the copy alone
        connection.execute("DETACH DATABASE copy")
    if problems:
        return [Finding("search index", False, "; ".join(problems))]
    return [Finding("search index", True, f"ok ({', '.join(present)})")]
