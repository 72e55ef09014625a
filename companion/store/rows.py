"""Records to rows and rows to records: the one place the store's tables meet the models.

Every part of the store that writes a model as a row, or reads a row back as a model, goes
through these (the store itself, the bulk writer, the exporter and importer, timekeeping and the
leases), so a column added to a table is handled once.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from companion.core.models import (
    Agreement,
    GoalScore,
    Lease,
    RecapEdit,
    Record,
    Session,
    SessionPeriod,
)

from .base import StoreError

PERIOD_COLUMNS = ("id", "session_id", "opened_at", "last_seen_at")
"""The columns of `session_periods`, in the order `period_from_row` reads them."""

LEASE_COLUMNS = ("session_id", "token", "pid", "host", "taken_at", "heartbeat_at")
"""The columns of `session_leases`, in the order `lease_from_row` reads them."""

GOAL_SCORE_COLUMNS = ("id", "goal_id", "session_id", "score", "created_at")
"""The columns of `goal_scores`, in the order `goal_score_from_row` reads them."""


def where_given(*conditions: tuple[str, object]) -> tuple[str | None, list[object]]:
    """The conditions whose value is given (not None), joined by AND, and their arguments.

    Each is (SQL, value): the value fills the SQL's one `?`; SQL without a `?` (`ended_at IS
    NULL`) only needs a value to say it applies. Dates go in as ISO text. None: no condition.
    """
    clauses: list[str] = []
    args: list[object] = []
    for sql, value in conditions:
        if value is None:
            continue
        clauses.append(sql)
        if "?" in sql:
            args.append(value.isoformat() if isinstance(value, date) else value)
    return " AND ".join(clauses) or None, args


def record_row(record: Record, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """The record as a row: its fields as JSON values (dates and times as ISO text)."""
    return record.model_dump(mode="json", exclude=exclude)


def session_row(session: Session) -> dict[str, Any]:
    """The session as a row of `sessions`: its agreement spread over three columns."""
    row = record_row(session, exclude={"agreement"})
    row["agreement_topic"] = session.agreement.topic
    row["agreement_desired_outcome"] = session.agreement.desired_outcome
    row["agreement_measure_of_success"] = session.agreement.measure_of_success
    return row


def session_from_row(row: Mapping[str, Any]) -> Session:
    """The session in a row of `sessions` (the inverse of `session_row`)."""
    fields = dict(row)
    fields["agreement"] = Agreement(
        topic=fields.pop("agreement_topic"),
        desired_outcome=fields.pop("agreement_desired_outcome"),
        measure_of_success=fields.pop("agreement_measure_of_success"),
    )
    return Session.model_validate(fields)


def period_from_row(row: tuple[Any, ...]) -> SessionPeriod:
    """The period in a tuple of PERIOD_COLUMNS."""
    return SessionPeriod.model_validate(dict(zip(PERIOD_COLUMNS, row, strict=True)))


def lease_from_row(row: tuple[Any, ...]) -> Lease:
    """The lease in a tuple of LEASE_COLUMNS."""
    return Lease.model_validate(dict(zip(LEASE_COLUMNS, row, strict=True)))


RECAP_EDIT_COLUMNS = ("session_id", "format", "text", "edited_at")
"""The columns of `recap_edits`, in the order `recap_edit_from_row` reads them."""


def recap_edit_from_row(row: tuple[Any, ...]) -> RecapEdit:
    """The edited recap in a tuple of RECAP_EDIT_COLUMNS."""
    return RecapEdit.model_validate(dict(zip(RECAP_EDIT_COLUMNS, row, strict=True)))


def goal_score_from_row(row: tuple[Any, ...]) -> GoalScore:
    """The goal score in a tuple of GOAL_SCORE_COLUMNS."""
    return GoalScore.model_validate(dict(zip(GOAL_SCORE_COLUMNS, row, strict=True)))


@contextlib.contextmanager
def constraint_refusals(what: str) -> Iterator[None]:
    """Turn SQLite's constraint failures into a StoreError that says what could not be saved.

    WHAT names the record in the coach's words ('client', 'goal score'). Other refusals (a full
    disk, a lock) pass through, for `base.sqlite_refusals` to word.
    """
    try:
        yield
    except sqlite3.IntegrityError as error:
        text = str(error)
        if "FOREIGN KEY" in text:
            reason = "it refers to a client, session, goal or engagement that does not exist"
        elif "UNIQUE" in text:
            reason = "one like it is already saved"
        else:
            reason = text
        raise StoreError(f"cannot save the {what}: {reason}") from None
