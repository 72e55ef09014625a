"""Many records at once, in one transaction: for the demo practice and for benchmarks.

The records come with their ids already set (see `next_ids`), so that a generator can link them
before anything is written. The FTS triggers fire as for any other write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from companion.core.models import (
    Action,
    Client,
    Engagement,
    Goal,
    GoalScore,
    Notes,
    Record,
    Session,
    SessionPeriod,
    StepTiming,
    Takeaway,
)

from .rows import constraint_refusals, record_row, session_row
from .schema import RECORD_TABLES as TABLES
from .store import Store
from .timekeeping import session_seconds

_ID_TABLES = tuple(table for table in TABLES if table != "notes")


@dataclass
class Batch:
    """Records to write together; each list in the order it should be inserted."""

    clients: list[Client] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    notes: list[Notes] = field(default_factory=list)
    session_periods: list[SessionPeriod] = field(default_factory=list)
    step_timings: list[StepTiming] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    goal_scores: list[GoalScore] = field(default_factory=list)
    takeaways: list[Takeaway] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {table: len(getattr(self, table)) for table in TABLES}


def next_ids(store: Store) -> dict[str, int]:
    """The first free id of each table: where a batch's own ids should start."""
    with store.reading() as db:
        return {
            table: db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in _ID_TABLES
        }


def _timed(session: Session) -> Session:
    """A finished session keeps a duration: end minus start when the batch gives none."""
    if session.ended_at is None or session.duration_seconds is not None:
        return session
    seconds = session_seconds(session.started_at, session.ended_at)
    return session.model_copy(update={"duration_seconds": seconds})


def _rows(table: str, records: Sequence[Record]) -> list[dict[str, Any]]:
    if table == "sessions":
        return [session_row(_timed(record)) for record in records]  # type: ignore[arg-type]
    return [record_row(record) for record in records]


def insert_batch(store: Store, batch: Batch, *, batch_size: int = 500) -> dict[str, int]:
    """Write every record of BATCH, all or nothing; the number of rows written per table."""
    written: dict[str, int] = {}
    with store.writing() as db:
        for table in TABLES:
            records = getattr(batch, table)
            if not records:
                continue
            with constraint_refusals(table.rstrip("s").replace("_", " ")):
                db[table].insert_all(_rows(table, records), batch_size=batch_size)
            written[table] = len(records)
    return written
