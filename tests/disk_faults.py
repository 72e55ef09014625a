"""A practice whose disk fills up on demand: every write refused as SQLite refuses it then.

`SQLite's PRAGMA max_page_count` only refuses writes that grow the file, and an update in place
still fits: a test could not say which write fails. This wraps the store's one connection and
raises SQLite's own error ("database or disk is full") for every statement that writes while
`full` is set; reads go on. The real thing (a tiny filesystem) is in test_pty_disk_full.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from companion.store import Store

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class FillingDisk:
    """The store's connection, refusing writes while `full` (or with another SQLite MESSAGE)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.full = False
        self.message = "database or disk is full"
        self.refused = 0

    def _check(self, sql: str) -> None:
        if self.full and sql.lstrip().upper().startswith(WRITES):
            self.refused += 1
            raise sqlite3.OperationalError(self.message)

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._connection.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self._connection.executemany(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def __enter__(self) -> Any:
        return self._connection.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self._connection.__exit__(*exc)


def filling_disk(store: Store) -> FillingDisk:
    """Put STORE on a disk the test fills (`.full = True`) and frees again."""
    disk = FillingDisk(store.db.conn)
    store.db.conn = disk  # type: ignore[assignment]
    return disk
