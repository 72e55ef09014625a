"""Forgetting a client: every record of theirs removed, and no trace of their words left behind.

Deleting rows is not enough for a coach's duty of erasure: SQLite leaves deleted text in free
pages, the full-text indexes keep old tokens in segments until they are merged, and the WAL file
holds copies of changed pages. So the delete runs with secure_delete on, every FTS index is
rebuilt and optimized, the WAL is checkpointed and truncated, and the file is VACUUMed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pydantic import BaseModel, Field
from sqlite_utils import Database

from companion.core.models import Client, now

from .lease import SessionInUse
from .schema import SEARCH_INDEXED
from .store import Store, StoreError


class ForgetSummary(BaseModel):
    """What forgetting a client removed, and whether the file was wiped clean afterwards."""

    client: Client
    removed: dict[str, int] = Field(default_factory=dict)
    wiped: bool = Field(
        default=True,
        description="False when another program held the database open, so old pages may "
        "remain until it closes and the database is compacted again.",
    )


# Counted before the delete: what the coach is told will go (and went).
_COUNTS: dict[str, str] = {
    "engagements": "SELECT count(*) FROM engagements WHERE client_id = :c",
    "goals": "SELECT count(*) FROM goals WHERE client_id = :c",
    "sessions": "SELECT count(*) FROM sessions WHERE client_id = :c",
    "actions": "SELECT count(*) FROM actions WHERE client_id = :c",
    "goal_scores": "SELECT count(*) FROM goal_scores WHERE goal_id IN "
    "(SELECT id FROM goals WHERE client_id = :c) OR session_id IN "
    "(SELECT id FROM sessions WHERE client_id = :c)",
    "takeaways": "SELECT count(*) FROM takeaways WHERE session_id IN "
    "(SELECT id FROM sessions WHERE client_id = :c)",
    "recap_edits": "SELECT count(*) FROM recap_edits WHERE session_id IN "
    "(SELECT id FROM sessions WHERE client_id = :c)",
}


def client_footprint(store: Store, client_id: int) -> dict[str, int]:
    """How many records of each kind belong to the client."""
    with store.reading() as db:
        return {
            kind: int(db.execute(sql, {"c": client_id}).fetchone()[0])
            for kind, sql in _COUNTS.items()
        }


def recap_files(store: Store, client_id: int, folder: Path) -> list[Path]:
    """The recap files saved in FOLDER for the client's sessions (those that exist).

    A recap the clipboard could not take is saved as `recap_filename` names it: the day, the
    client's name as a slug and the session's number; '-draft' while unfinished, so both names
    are looked for. Called before the client is forgotten: the names come from their records.
    """
    from companion.core.recap import recap_filename

    from .records import load_session_record

    names: set[str] = set()
    for session in store.sessions(client_id):
        assert session.id is not None
        name = recap_filename(load_session_record(store, session.id))
        stem = name.removesuffix(".md").removesuffix("-draft")
        names.update({f"{stem}.md", f"{stem}-draft.md"})
    return sorted(path for path in (folder / name for name in names) if path.is_file())


def remove_files(paths: list[Path]) -> int:
    """Unlink each file; how many went (one already gone or refused is skipped).

    Just unlinked: overwriting first gives no real guarantee on journaling or copy-on-write
    file systems and SSDs, which keep old blocks elsewhere; full-disk encryption is the answer.
    """
    removed = 0
    for path in paths:
        try:
            path.unlink()
        except OSError:
            continue
        removed += 1
    return removed


def check_not_open(store: Store, client: Client) -> None:
    """SessionInUse if a companion window (here or in another process) has a session of theirs."""
    assert client.id is not None
    leases = store.live_leases_for_client(client.id, now())
    if leases:
        raise SessionInUse(leases[0], client.name)


def forget_client(store: Store, client_id: int) -> ForgetSummary:
    """Remove the client and everything of theirs, then wipe the file of their text.

    Refused (SessionInUse) while one of their sessions is open in a companion window.
    """
    # No transaction around it all: the WAL checkpoints and VACUUM cannot run inside one.
    with store.writing(transaction=False) as db:
        client = store.get_client(client_id)  # NotFound for a wrong id
        check_not_open(store, client)
        removed = client_footprint(store, client_id)
        if store.path is not None and _checkpoint(db.conn):
            raise StoreError(
                "another program has the practice database open (companion in another "
                "window?): close it and try again; nothing was deleted"
            )
        previous = db.execute("PRAGMA secure_delete").fetchone()[0]
        db.execute("PRAGMA secure_delete = ON")
        try:
            with db.atomic():
                # ON DELETE CASCADE (foreign keys are on) takes every record of theirs along,
                # and the FTS triggers delete their rows from the search indexes.
                db.execute("DELETE FROM clients WHERE id = ?", [client_id])
                if db.execute("SELECT 1 FROM clients WHERE id = ?", [client_id]).fetchone():
                    raise StoreError(f"could not forget {client.name!r}")
                for table in SEARCH_INDEXED:
                    # An external-content index keeps deleted tokens in old segments: rebuild
                    # it from the remaining rows, then merge it into one fresh segment.
                    db.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
                    db.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('optimize')")
            wiped = _compact(store, db)
        finally:
            db.execute(f"PRAGMA secure_delete = {int(previous)}")
    return ForgetSummary(client=client, removed=removed, wiped=wiped)


def _compact(store: Store, db: Database) -> bool:
    """Checkpoint the WAL, VACUUM, and checkpoint again; False if another reader got in the way.

    DB is the store's, as `store.writing(transaction=False)` gives it: under the lock."""
    if store.path is None:  # an in-memory practice has no file to wipe
        return True
    try:
        busy = _checkpoint(db.conn)
        db.execute("VACUUM")  # outside any transaction: rewrites the file without free pages
        busy = _checkpoint(db.conn) or busy
    except sqlite3.OperationalError:
        return False
    return not busy


def _checkpoint(connection: sqlite3.Connection) -> bool:
    """Copy the WAL into the database and truncate it to nothing; True if it could not."""
    busy, _log, _done = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return bool(busy)
