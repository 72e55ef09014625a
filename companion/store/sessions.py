"""Sessions, their notes and the time spent on each step.

Store inherits these; each write is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from companion.core.models import (
    Action,
    Notes,
    Session,
    StepTiming,
    now,
)

from .base import NotFound, StoreError, _locked
from .rows import (
    constraint_refusals,
    record_row,
    session_from_row,
    session_row,
    where_given,
)
from .timekeeping import session_seconds

if TYPE_CHECKING:
    from .store import Store


def _session_filter(
    client_id: int | None, since: date | None, until: date | None, finished: bool | None
) -> tuple[str | None, list[object]]:
    """The WHERE clause (None: every session) and its arguments for a listing of sessions."""
    return where_given(
        ("client_id = ?", client_id),
        ("started_at >= ?", since),
        ("started_at < date(?, '+1 day')", until),
        ("ended_at IS NOT NULL" if finished else "ended_at IS NULL", finished),
    )


class Sessions:
    """Sessions, notes and step timings (Store inherits them)."""

    db: Database

    # -- sessions ----------------------------------------------------------------------------

    @_locked
    def add_session(self: Store, session: Session) -> Session:
        if session.ended_at is not None and session.duration_seconds is None:
            # Recorded afterwards, already finished: its time is end minus start.
            seconds = session_seconds(session.started_at, session.ended_at)
            session = session.model_copy(update={"duration_seconds": seconds})
        with self.db.atomic():
            session_id = self._insert("sessions", session_row(session))
            self.db["notes"].insert(record_row(Notes(session_id=session_id)))
            if session.ended_at is None:  # its first period opens as it starts
                self._open_period(session_id, session.started_at, session.started_at)
        return session.model_copy(update={"id": session_id})

    @_locked
    def get_session(self: Store, session_id: int) -> Session:
        try:
            return session_from_row(self.db["sessions"].get(session_id))
        except NotFoundError:
            raise NotFound(f"no session with id {session_id}") from None

    @_locked
    def save_session(self: Store, session: Session) -> Session:
        self._update("sessions", session.id, session_row(session), "session")
        return session

    @_locked
    def sessions(
        self: Store,
        client_id: int | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
        finished: bool | None = None,
        limit: int | None = None,
    ) -> list[Session]:
        """Sessions, newest first."""
        where, args = _session_filter(client_id, since, until, finished)
        rows = self.db["sessions"].rows_where(
            where, args, order_by="started_at DESC, id DESC", limit=limit
        )
        return [session_from_row(row) for row in rows]

    def session_listing(
        self: Store, client_id: int | None = None, *, since: date | None = None
    ) -> Iterator[Session]:
        """Sessions, newest first, one at a time and without their protocol snapshots (left
        ''): a listing of 50,000 sessions holds one in memory, not 50,000 and their protocols.

        The lock is held until the iteration ends: iterate to the end, in one thread."""
        where, args = _session_filter(client_id, since, None, None)
        columns = ", ".join(
            column.name
            for column in self.db["sessions"].columns
            if column.name != "protocol_snapshot"
        )
        with self.reading() as db:
            yield from (
                session_from_row(row)
                for row in db["sessions"].rows_where(
                    where, args, select=columns, order_by="started_at DESC, id DESC"
                )
            )

    @_locked
    def unfinished_sessions(self: Store, client_id: int | None = None) -> list[Session]:
        return self.sessions(client_id, finished=False)

    @_locked
    def session_number(self: Store, session: Session) -> int:
        """Which session of the engagement this is (1 for the first): see store.progress."""
        from .progress import session_number

        if session.id is None:
            raise NotFound("a session that was never saved has no number")
        return session_number(self.db, session.id)

    @_locked
    def previous_session(self: Store, session: Session) -> Session | None:
        """The client's session before this one, if any (two started in one second: by id)."""
        started = session.started_at.isoformat()
        rows = self.db["sessions"].rows_where(
            "client_id = ? AND (started_at < ? OR (started_at = ? AND id < ?))",
            [session.client_id, started, started, session.id],
            order_by="started_at DESC, id DESC",
            limit=1,
        )
        found = [session_from_row(row) for row in rows]
        return found[0] if found else None

    @_locked
    def finish_session(
        self: Store,
        session_id: int,
        *,
        ended_at: datetime | None = None,
        actions: Iterable[Action] = (),
        scores: dict[int, int] | None = None,
        takeaways: Iterable[str] = (),
        next_session_on: date | None = None,
        end_engagement: bool = False,
    ) -> Session:
        """Close a session with what the closing screen confirmed, all or nothing; with
        END_ENGAGEMENT (the closing protocol's end) its engagement closes on the session's day.

        A first close ends the latest period at the end time and stores the time in session (the
        sum of the periods) as its duration; a finished session closed again keeps its end time
        and its duration.
        """
        session = self.get_session(session_id)
        first_close = session.ended_at is None
        ended = session.ended_at or ended_at or now()
        with self.db.atomic():
            if first_close:
                duration: int | None = self._close_periods(session, ended)
            else:
                duration = session.duration_seconds
                if duration is None:
                    duration = session_seconds(session.started_at, ended)
            for action in actions:
                self.save_action(action.model_copy(update={"session_id": session_id}))
            for goal_id, score in (scores or {}).items():
                self.set_goal_score(goal_id, session_id, score)
            self.replace_takeaways(session_id, takeaways)
            self.db.execute(
                "UPDATE step_timings SET left_at = ? WHERE session_id = ? AND left_at IS NULL",
                [ended.isoformat(), session_id],
            )
            session = session.model_copy(
                update={
                    "ended_at": ended,
                    "next_session_on": next_session_on,
                    "duration_seconds": duration,
                }
            )
            self.save_session(session)
            if end_engagement and session.engagement_id is not None:
                started = self.get_engagement(session.engagement_id).start_date
                self.close_engagement(session.engagement_id, max(ended.date(), started))
        return session

    # -- notes -------------------------------------------------------------------------------

    @_locked
    def get_notes(self: Store, session_id: int) -> Notes:
        try:
            return Notes.model_validate(self.db["notes"].get(session_id))
        except NotFoundError:
            self.get_session(session_id)  # raises NotFound for a wrong id
            return Notes(session_id=session_id)

    @_locked
    def save_notes(self: Store, session_id: int, text: str) -> Notes:
        notes = Notes(session_id=session_id, text=text)
        try:
            with constraint_refusals("notes"):
                self.db["notes"].upsert(record_row(notes), pk="session_id")
        except StoreError:
            self.get_session(session_id)  # raises NotFound for a wrong id
            raise
        return notes

    # -- step timings ------------------------------------------------------------------------

    @_locked
    def enter_step(
        self: Store, session_id: int, step_index: int, step_id: str, at: datetime | None = None
    ) -> StepTiming:
        """Leave the step the session is in (if any) and enter another, recording both times."""
        at = at or now()
        timing = StepTiming(
            session_id=session_id, step_index=step_index, step_id=step_id, entered_at=at
        )
        with self.db.atomic():
            self.db.execute(
                "UPDATE step_timings SET left_at = ? WHERE session_id = ? AND left_at IS NULL",
                [at.isoformat(), session_id],
            )
            timing = timing.model_copy(
                update={"id": self._insert("step_timings", record_row(timing))}
            )
            self.db.execute(
                "UPDATE sessions SET current_step = ? WHERE id = ?", [step_index, session_id]
            )
        return timing

    @_locked
    def step_timings(self: Store, session_id: int) -> list[StepTiming]:
        return self._where(
            "step_timings", StepTiming, "session_id = ?", [session_id], order_by="entered_at, id"
        )
