"""This window's hold on a session: the lease that keeps other windows out, and the time it counts.

One window writes a session at a time: the live screen takes the session's lease (a row in the
database, renewed by a heartbeat, freed on exit, stale once its process is gone) before it shows
the session for writing. The same heartbeat keeps the session's time honest: time in session is
the sum of the periods a live screen had it open, so a session resumed the next day does not
count the night. A gap longer than GAP_MINUTES is the coach's to call (did the session go on?).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from companion.core.terms import now

if TYPE_CHECKING:
    from companion.store import Store

GAP_MINUTES = 15
"""A resume within this long of the last heartbeat counts the gap (a crash mid-call)."""


@dataclass
class SessionHold:
    """The lease and the open period of one session in this window."""

    store: Store
    session_id: int
    token: str
    counted_before: float = 0.0
    """Seconds of the session's earlier periods."""
    period_opened: datetime | None = None
    """When the period this window counts began."""
    held: bool = field(default=False, init=False)

    def take(self) -> None:
        """Hold the session; raises SessionInUse (with the other window's pid and host)."""
        from companion.store.lease import this_host

        self.store.take_lease(
            self.session_id, token=self.token, pid=os.getpid(), host=this_host(), at=now()
        )
        self.held = True

    def gap(self, at: datetime) -> timedelta | None:
        """How long the session was left, when that is long enough to ask about."""
        seen = self.store.last_seen(self.session_id)
        if seen is None or at - seen <= timedelta(minutes=GAP_MINUTES):
            return None
        return at - seen

    def count_from(self, at: datetime, *, went_on: bool) -> None:
        """Start counting at AT: the gap before it counts only if the session WENT_ON."""
        if went_on:
            self.store.continue_period(self.session_id, at)
        else:
            self.store.begin_period(self.session_id, at)
        self.read_periods()

    def read_periods(self) -> None:
        """What the clock adds to: the earlier periods, and when the latest began."""
        periods = self.store.periods(self.session_id)
        self.counted_before = sum(p.seconds for p in periods[:-1])
        self.period_opened = periods[-1].opened_at if periods else None

    def elapsed(self, at: datetime, started_at: datetime) -> float:
        """Seconds in session at AT, as the clock shows them."""
        opened = self.period_opened or started_at
        return self.counted_before + max(0.0, (at - opened).total_seconds())

    def heartbeat(self, at: datetime) -> bool:
        """Renew the lease and record the session as open at AT; False if the lease was lost."""
        if not self.held:
            return True
        self.store.touch_period(self.session_id, at)
        return self.store.renew_lease(self.session_id, self.token, now())

    def release(self, at: datetime | None = None) -> None:
        """Leaving: the time counted up to AT, and the session free for another window."""
        if not self.held:
            return
        self.held = False
        if at is not None:
            self.store.touch_period(self.session_id, at)
        self.store.release_lease(self.session_id, self.token)
