"""One window per session: a lease the database holds for the process that has a session open.

The holder renews its lease every few seconds (`renew_lease`). Another window asking for the
same session gets `SessionInUse`, naming the holder, unless the lease is stale: its process is
gone (same host, pid not alive) or it has not been renewed for LEASE_STALE_SECONDS. The same
token takes its own lease again (re-entrant). Taking a lease is one write transaction begun
IMMEDIATE, so two processes asking at once cannot both win. Leases are never exported.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import Lease, Session
from companion.core.terms import LEASE_RENEW_SECONDS as LEASE_RENEW_SECONDS

from .base import StoreError, _locked
from .rows import LEASE_COLUMNS, lease_from_row

LEASE_STALE_SECONDS = 45  # the holder renews every LEASE_RENEW_SECONDS

_SELECT = "SELECT " + ", ".join(LEASE_COLUMNS) + " FROM session_leases"


class SessionInUse(StoreError):
    """Another live companion window holds the session; `lease` says which (pid and host)."""

    def __init__(self, lease: Lease, client_name: str | None = None) -> None:
        self.lease = lease
        whose = f"{client_name}'s session" if client_name else f"session {lease.session_id}"
        super().__init__(
            f"{whose} is open in companion (pid {lease.pid} on {lease.host}); close it first"
        )


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host (one we may not signal still runs)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True  # cannot tell: treat as alive, the heartbeat decides
    return True


def is_stale(lease: Lease, at: datetime, host: str | None = None) -> bool:
    """A lease nobody holds any more: its process is gone, or it stopped renewing."""
    if at - lease.heartbeat_at > timedelta(seconds=LEASE_STALE_SECONDS):
        return True
    return lease.host == (host or this_host()) and not pid_alive(lease.pid)


class Leases:
    """The store's methods for session leases (Store inherits them)."""

    db: Database

    if TYPE_CHECKING:

        def get_session(self, session_id: int) -> Session: ...

    @contextlib.contextmanager
    def _immediate(self) -> Iterator[None]:
        """A write transaction from its first statement (BEGIN IMMEDIATE), or a savepoint."""
        connection = self.db.conn
        if connection.in_transaction:
            with self.db.atomic():
                yield
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        else:
            connection.execute("COMMIT")

    def _read_lease(self, session_id: int) -> Lease | None:
        row = self.db.execute(f"{_SELECT} WHERE session_id = ?", [session_id]).fetchone()
        return None if row is None else lease_from_row(row)

    @_locked
    def take_lease(
        self, session_id: int, *, token: str, pid: int, host: str, at: datetime
    ) -> Lease:
        """Hold SESSION_ID for this window; SessionInUse if another live window holds it."""
        self.get_session(session_id)  # NotFound for a wrong id
        try:
            with self._immediate():
                current = self._read_lease(session_id)
                if (
                    current is not None
                    and current.token != token
                    and not is_stale(current, at, host)
                ):
                    raise SessionInUse(current)
                taken_at = current.taken_at if current and current.token == token else at
                seen = None if current is None else current.token
                # Compare-and-swap on the token read above: whatever happens between the read
                # and the write, only the holder that was judged stale (or our own) is replaced.
                self.db.execute(
                    "INSERT INTO session_leases "
                    "(session_id, token, pid, host, taken_at, heartbeat_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
                    "token = excluded.token, pid = excluded.pid, host = excluded.host, "
                    "taken_at = excluded.taken_at, heartbeat_at = excluded.heartbeat_at "
                    "WHERE session_leases.token IS ?",
                    [session_id, token, pid, host, taken_at.isoformat(), at.isoformat(), seen],
                )
                held = self._read_lease(session_id)
                assert held is not None
                if held.token != token:
                    raise SessionInUse(held)
        except sqlite3.OperationalError as error:  # another process kept the database locked
            raise StoreError(f"cannot open session {session_id} now: {error}") from None
        return held

    @_locked
    def renew_lease(self, session_id: int, token: str, at: datetime) -> bool:
        """The holder's heartbeat; False if the lease is no longer its own (taken over)."""
        cursor = self.db.execute(
            "UPDATE session_leases SET heartbeat_at = ? WHERE session_id = ? AND token = ?",
            [at.isoformat(), session_id, token],
        )
        return cursor.rowcount == 1

    @_locked
    def release_lease(self, session_id: int, token: str) -> bool:
        """Let the session go; only the holder's own token releases it. Whether it did."""
        cursor = self.db.execute(
            "DELETE FROM session_leases WHERE session_id = ? AND token = ?", [session_id, token]
        )
        return cursor.rowcount == 1

    @_locked
    def live_lease(self, session_id: int, at: datetime, *, host: str | None = None) -> Lease | None:
        """The lease on the session if a live window holds it (HOST: this machine's name)."""
        lease = self._read_lease(session_id)
        return None if lease is None or is_stale(lease, at, host) else lease

    @_locked
    def live_leases_for_client(
        self, client_id: int, at: datetime, *, host: str | None = None
    ) -> list[Lease]:
        """The live leases on any of the client's sessions, oldest session first."""
        rows = self.db.execute(
            f"{_SELECT} WHERE session_id IN (SELECT id FROM sessions WHERE client_id = ?) "
            "ORDER BY session_id",
            [client_id],
        ).fetchall()
        return [lease for lease in map(lease_from_row, rows) if not is_stale(lease, at, host)]
