"""Time in session: the sum of the periods the live screen had the session open.

End minus start counts every gap as coaching: a session left open overnight and resumed the next
day would claim a day. So the live screen records periods instead. `begin_period` opens a new
one (the gap before it does not count), `touch_period` is its cheap heartbeat, and
`continue_period` stretches the latest period over a gap the coach says was coaching (the app
was closed, or crashed, while the call went on). Closing the session stores the sum as its
`duration_seconds`; from then on that stored duration is its time, corrected only by the coach
(`correct_session_time`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database

from companion.core.models import Session, SessionPeriod, now

from .base import StoreError, _locked
from .rows import period_from_row

# The longest a corrected session may last: ten hours.
MAX_MINUTES = 600


def session_seconds(started_at: datetime, ended_at: datetime) -> int:
    """Whole seconds from start to end, never negative: a session's time without periods."""
    return max(0, round((ended_at - started_at).total_seconds()))


class Timekeeping:
    """The store's methods for time in session (Store inherits them)."""

    db: Database

    if TYPE_CHECKING:

        def get_session(self, session_id: int) -> Session: ...
        def save_session(self, session: Session) -> Session: ...

    # -- periods -----------------------------------------------------------------------------

    def _latest_period(self, session_id: int) -> SessionPeriod | None:
        row = self.db.execute(
            "SELECT id, session_id, opened_at, last_seen_at FROM session_periods "
            "WHERE session_id = ? ORDER BY opened_at DESC, id DESC LIMIT 1",
            [session_id],
        ).fetchone()
        return None if row is None else period_from_row(row)

    def _open_period(self, session_id: int, opened_at: datetime, last_seen_at: datetime) -> int:
        cursor = self.db.execute(
            "INSERT INTO session_periods (session_id, opened_at, last_seen_at) VALUES (?, ?, ?)",
            [session_id, opened_at.isoformat(), max(opened_at, last_seen_at).isoformat()],
        )
        return int(cursor.lastrowid or 0)

    @_locked
    def periods(self, session_id: int) -> list[SessionPeriod]:
        """The session's periods, oldest first."""
        rows = self.db.execute(
            "SELECT id, session_id, opened_at, last_seen_at FROM session_periods "
            "WHERE session_id = ? ORDER BY opened_at, id",
            [session_id],
        ).fetchall()
        return [period_from_row(row) for row in rows]

    @_locked
    def begin_period(self, session_id: int, at: datetime | None = None) -> SessionPeriod:
        """Open a new period at AT (the session opened again): the gap before it does not count."""
        at = at or now()
        self.get_session(session_id)  # NotFound for a wrong id
        with self.db.atomic():
            period_id = self._open_period(session_id, at, at)
        return SessionPeriod(id=period_id, session_id=session_id, opened_at=at, last_seen_at=at)

    @_locked
    def continue_period(self, session_id: int, at: datetime | None = None) -> SessionPeriod:
        """Stretch the latest period to AT: the gap since it was last seen counts as coaching.

        For the coach who says the session went on while the app was closed (or after a short
        crash). A session with no period yet gets one from its start.
        """
        at = at or now()
        session = self.get_session(session_id)  # NotFound for a wrong id
        with self.db.atomic():
            latest = self._latest_period(session_id)
            if latest is None:
                period_id = self._open_period(session_id, session.started_at, at)
                seen_at = max(session.started_at, at)
                return SessionPeriod(
                    id=period_id,
                    session_id=session_id,
                    opened_at=session.started_at,
                    last_seen_at=seen_at,
                )
            seen = max(latest.last_seen_at, at)
            self.db.execute(
                "UPDATE session_periods SET last_seen_at = ? WHERE id = ?",
                [seen.isoformat(), latest.id],
            )
        return latest.model_copy(update={"last_seen_at": seen})

    @_locked
    def touch_period(self, session_id: int, at: datetime | None = None) -> None:
        """The heartbeat: the latest period was seen open at AT (one UPDATE; never goes back)."""
        at = at or now()
        stamp = at.isoformat()
        cursor = self.db.execute(
            "UPDATE session_periods SET last_seen_at = max(last_seen_at, ?) WHERE id = ("
            "SELECT id FROM session_periods WHERE session_id = ? "
            "ORDER BY opened_at DESC, id DESC LIMIT 1)",
            [stamp, session_id],
        )
        if cursor.rowcount == 0:  # no period yet (a session written in bulk): open one now
            self.begin_period(session_id, at)

    @_locked
    def last_seen(self, session_id: int) -> datetime | None:
        """When the session was last seen open (the latest period's heartbeat); None if never."""
        latest = self._latest_period(session_id)
        return None if latest is None else latest.last_seen_at

    @_locked
    def coached_seconds(self, session_id: int, at: datetime | None = None) -> float:
        """Time in session so far: the sum of its periods, the latest counting up to AT if given.

        A finished session's time is its stored duration (what the hours log counts).
        """
        session = self.get_session(session_id)
        if session.is_finished and session.duration_seconds is not None:
            return float(session.duration_seconds)
        periods = self.periods(session_id)
        if periods and at is not None:
            last = periods[-1]
            periods[-1] = last.model_copy(update={"last_seen_at": max(last.last_seen_at, at)})
        return sum(period.seconds for period in periods)

    def _close_periods(self, session: Session, ended: datetime) -> int:
        """First close: the latest period ends at ENDED; the session's seconds in session.

        Called inside finish_session's transaction. A session with no period (written in bulk,
        or imported) gets one from its start to ENDED.
        """
        assert session.id is not None
        latest = self._latest_period(session.id)
        if latest is None:
            self._open_period(session.id, session.started_at, ended)
        else:
            self.db.execute(
                "UPDATE session_periods SET last_seen_at = ? WHERE id = ?",
                [max(latest.opened_at, ended).isoformat(), latest.id],
            )
        total = 0.0
        for period in self.periods(session.id):
            end = min(period.last_seen_at, ended)
            total += max(0.0, (end - period.opened_at).total_seconds())
        return round(total)

    # -- corrections -------------------------------------------------------------------------

    @_locked
    def correct_session_time(
        self,
        session_id: int,
        *,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
        duration_seconds: int | None = None,
    ) -> Session:
        """Correct a finished session's start, end or time in session afterwards.

        A new start or end alone sets the duration to end minus start; a duration alone keeps
        both times. The end must come after the start, and a duration is 1 to 600 minutes.
        """
        session = self.get_session(session_id)  # NotFound for a wrong id
        if session.ended_at is None:
            raise StoreError(
                f"session {session_id} is not finished: close it first, then correct its times"
            )
        if started_at is None and ended_at is None and duration_seconds is None:
            raise StoreError("nothing to change: give a new start, end or number of minutes")
        started = started_at or session.started_at
        ended = ended_at or session.ended_at
        if ended <= started:
            raise StoreError(
                f"the end ({ended:%Y-%m-%d %H:%M}) must be after the start "
                f"({started:%Y-%m-%d %H:%M})"
            )
        if duration_seconds is None:
            duration = session_seconds(started, ended)
            if duration > MAX_MINUTES * 60:
                raise StoreError(
                    f"from {started:%Y-%m-%d %H:%M} to {ended:%Y-%m-%d %H:%M} is more than "
                    f"{MAX_MINUTES} minutes of coaching: give the minutes too"
                )
        else:
            if not 60 <= duration_seconds <= MAX_MINUTES * 60:
                raise StoreError(
                    f"a session lasts 1 to {MAX_MINUTES} minutes, not {duration_seconds / 60:g}"
                )
            span = session_seconds(started, ended)
            if duration_seconds > span:
                raise StoreError(
                    f"{duration_seconds / 60:g} minutes do not fit between the start and the end "
                    f"({round(span / 60)} minutes): correct the end too"
                )
            duration = duration_seconds
        corrected = session.model_copy(
            update={"started_at": started, "ended_at": ended, "duration_seconds": duration}
        )
        return self.save_session(corrected)
