"""Exports of a whole practice (or one client of it) as one JSON document, and reading one back.

The document is a `PracticeExport`: a header saying what it is, then every record, each in the
shape of its model in companion.core.models. The ids in the file only link its records to each
other; every record must name ids that the file holds. `read_export` checks a file completely
(header, version, every record, every reference) before anything is written; adding what it
holds to a database is companion.store.exchange_import's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from companion.core.models import (
    Action,
    Client,
    Engagement,
    Goal,
    GoalScore,
    Notes,
    RecapEdit,
    Session,
    SessionPeriod,
    StepTiming,
    Takeaway,
    now,
)
from companion.core.notes import client_text
from companion.core.recap import AGREEMENT_TEXT, ENGAGEMENT_TEXT, GOAL_TEXT, client_fields

from .checks import known_migrations
from .rows import session_from_row
from .schema import migrations
from .store import Store, StoreError

EXPORT_FORMAT = "companion-export"
EXPORT_VERSION = 1


class ExportError(StoreError):
    """A file that cannot be imported; the message says why in one line."""


class PracticeExport(BaseModel):
    """Everything a practice (or one client of it) holds, as exported to JSON."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)

    format: Literal["companion-export"] = EXPORT_FORMAT
    version: Literal[1] = EXPORT_VERSION
    schema_: list[str] = Field(
        default_factory=list,
        alias="schema",
        description="The database migrations applied where the export was made.",
    )
    exported_at: datetime = Field(default_factory=now)
    client_copy: bool = Field(
        default=False, description="True for a copy for the client: private lines left out."
    )
    clients: list[Client] = Field(default_factory=list)
    engagements: list[Engagement] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    notes: list[Notes] = Field(default_factory=list)
    session_periods: list[SessionPeriod] = Field(default_factory=list)
    step_timings: list[StepTiming] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    goal_scores: list[GoalScore] = Field(default_factory=list)
    takeaways: list[Takeaway] = Field(default_factory=list)
    recap_edits: list[RecapEdit] = Field(
        default_factory=list,
        description="The coach's own wording of recaps; an export made before they were "
        "exported has none.",
    )

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2) + "\n"


def applied_migrations(store: Store) -> list[str]:
    """The names of the migrations applied to the store's database, in the order applied."""
    with store.reading() as db:
        return [migration.name for migration in migrations.applied(db)]


# -- export ------------------------------------------------------------------------------------


def export_practice(
    store: Store, *, client_id: int | None = None, client_copy: bool = False
) -> PracticeExport:
    """Every record (of one client, if given), read in one consistent go."""
    with store.writing() as db:  # a transaction, for one consistent read
        clients = [
            Client.model_validate(row)
            for row in db["clients"].rows_where(
                None if client_id is None else "id = ?",
                [] if client_id is None else [client_id],
                order_by="id",
            )
        ]
        own = "" if client_id is None else "client_id = :client"
        by_session = (
            ""
            if client_id is None
            else "session_id IN (SELECT id FROM sessions WHERE client_id = :client)"
        )
        by_goal = (
            ""
            if client_id is None
            else "goal_id IN (SELECT id FROM goals WHERE client_id = :client)"
        )
        args = {"client": client_id}

        def rows(table: str, where: str, order: str = "id") -> Iterable[dict[str, Any]]:
            return db[table].rows_where(where or None, args, order_by=order)

        document = PracticeExport(
            schema=applied_migrations(store),
            client_copy=client_copy,
            clients=clients,
            engagements=[Engagement.model_validate(r) for r in rows("engagements", own)],
            goals=[Goal.model_validate(r) for r in rows("goals", own)],
            sessions=[session_from_row(r) for r in rows("sessions", own)],
            notes=[Notes.model_validate(r) for r in rows("notes", by_session, "session_id")],
            session_periods=[
                SessionPeriod.model_validate(r) for r in rows("session_periods", by_session)
            ],
            step_timings=[StepTiming.model_validate(r) for r in rows("step_timings", by_session)],
            actions=[Action.model_validate(r) for r in rows("actions", own)],
            goal_scores=[GoalScore.model_validate(r) for r in rows("goal_scores", by_goal)],
            takeaways=[Takeaway.model_validate(r) for r in rows("takeaways", by_session)],
            recap_edits=[
                RecapEdit.model_validate(r)
                for r in rows("recap_edits", by_session, "session_id, format")
            ],
        )
    return for_client(document) if client_copy else document


def _public(text: str) -> str:
    """Text through client_text (the one privacy filter), no trailing newline added or lost."""
    return client_text(text)


def for_client(document: PracticeExport) -> PracticeExport:
    """The export with every private line left out, wherever it was typed.

    Every text of every record goes through companion.core.notes.client_text. A record whose whole
    text is private (an action or takeaway typed as `// ...`, an edited recap of private lines
    only) is left out; a private goal takes its scores with it, and actions keep no link to it;
    a private client name becomes 'Client N' (the name is required, and N keeps clients apart
    when the copy is imported).
    """
    goals = [g.model_copy(update=client_fields(g, GOAL_TEXT)) for g in document.goals]
    kept_goals = [g for g in goals if g.specific.strip()]
    kept_goal_ids = {g.id for g in kept_goals}
    kept_goals = [  # an adjusted goal whose earlier version was private keeps no link to it
        g if g.adjusted_from in kept_goal_ids else g.model_copy(update={"adjusted_from": None})
        for g in kept_goals
    ]
    actions = []
    for action in document.actions:
        text = _public(action.text).strip()
        if not text:
            continue
        update: dict[str, Any] = {"text": text}
        if action.goal_id not in kept_goal_ids:
            update["goal_id"] = None
        actions.append(action.model_copy(update=update))
    sessions = [
        s.model_copy(
            update={
                "agreement": s.agreement.model_copy(
                    update=client_fields(s.agreement, AGREEMENT_TEXT)
                )
            }
        )
        for s in document.sessions
    ]
    return document.model_copy(
        update={
            "client_copy": True,
            "clients": [_client(c) for c in document.clients],
            "engagements": [
                e.model_copy(update=client_fields(e, ENGAGEMENT_TEXT)) for e in document.engagements
            ],
            "goals": kept_goals,
            "sessions": sessions,
            "notes": [n.model_copy(update={"text": _public(n.text)}) for n in document.notes],
            "actions": actions,
            "goal_scores": [s for s in document.goal_scores if s.goal_id in kept_goal_ids],
            "takeaways": [
                t.model_copy(update={"text": _public(t.text).strip()})
                for t in document.takeaways
                if _public(t.text).strip()
            ],
            "recap_edits": [
                e.model_copy(update={"text": _public(e.text)})
                for e in document.recap_edits
                if _public(e.text).strip()
            ],
        }
    )


def _client(client: Client) -> Client:
    update = client_fields(client, ("name", "contact"))
    update["name"] = update["name"] or f"Client {client.id or ''}".strip()
    return client.model_copy(update=update)


# -- reading a file ----------------------------------------------------------------------------


def read_export(text: str | bytes) -> PracticeExport:
    """The export in TEXT, checked through; ExportError (one line) for anything else."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise ExportError("not a companion export: the file is not JSON") from None
    except RecursionError:
        raise ExportError("not a companion export: its JSON is nested too deeply") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ExportError(
            "not a companion export: it has no 'format': 'companion-export' header "
            "(make one with `companion export --format json`)"
        )
    version = data.get("version")
    if version != EXPORT_VERSION:
        raise ExportError(
            f"this companion export is version {version!r}; this companion reads version "
            f"{EXPORT_VERSION}"
        )
    _check_integers(data)
    try:
        document = PracticeExport.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        more = f" (and {error.error_count() - 1} more problems)" if error.error_count() > 1 else ""
        raise ExportError(
            f"invalid companion export: {where}: {first['msg']}{more}; nothing was imported"
        ) from None
    _check_schema(document)
    _check_references(document)
    return document


_SQLITE_INTEGERS = range(-(2**63), 2**63)


def _check_integers(data: Any) -> None:
    """Every whole number in the file fits an SQLite INTEGER (else writing it would overflow)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{where}.{key}" if where else str(key), v) for key, v in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}.{index}", v) for index, v in enumerate(value))
        elif (
            isinstance(value, int) and not isinstance(value, bool) and value not in _SQLITE_INTEGERS
        ):
            raise ExportError(
                f"invalid companion export: {where}: the number is too large to store "
                "(at most 2**63 - 1); nothing was imported"
            )


def _check_schema(document: PracticeExport) -> None:
    names = known_migrations()
    newer = [name for name in document.schema_ if name not in names]
    if newer:
        raise ExportError(
            "this export was made by a newer companion (its database has "
            f"{', '.join(newer)}): update companion to import it"
        )


def _check_references(document: PracticeExport) -> None:
    """Every id present and unique, every reference pointing at a record in the file."""
    ids: dict[str, set[int]] = {}
    for kind in ("clients", "engagements", "goals", "sessions", "step_timings", "actions"):
        seen: set[int] = set()
        for index, record in enumerate(getattr(document, kind)):
            if record.id is None or record.id in seen:
                problem = "has no id" if record.id is None else f"repeats id {record.id}"
                raise ExportError(f"invalid companion export: {kind}.{index} {problem}")
            seen.add(record.id)
        ids[kind] = seen

    def check(kind: str, field: str, target: str, optional: bool = False) -> None:
        for index, record in enumerate(getattr(document, kind)):
            value = getattr(record, field)
            if value is None and optional:
                continue
            if value not in ids[target]:
                raise ExportError(
                    f"invalid companion export: {kind}.{index}.{field} refers to "
                    f"{target} id {value}, which is not in the file"
                )

    check("engagements", "client_id", "clients")
    check("goals", "client_id", "clients")
    check("goals", "engagement_id", "engagements", optional=True)
    check("goals", "adjusted_from", "goals", optional=True)
    check("sessions", "client_id", "clients")
    check("sessions", "engagement_id", "engagements", optional=True)
    check("notes", "session_id", "sessions")
    check("session_periods", "session_id", "sessions")
    check("step_timings", "session_id", "sessions")
    check("actions", "client_id", "clients")
    check("actions", "session_id", "sessions", optional=True)
    check("actions", "reviewed_session_id", "sessions", optional=True)
    check("actions", "goal_id", "goals", optional=True)
    check("goal_scores", "goal_id", "goals")
    check("goal_scores", "session_id", "sessions")
    check("takeaways", "session_id", "sessions")
    check("recap_edits", "session_id", "sessions")
    pairs: set[tuple[int, str]] = set()
    for index, edit in enumerate(document.recap_edits):
        if (edit.session_id, edit.format) in pairs:  # one edit per session and format
            raise ExportError(
                f"invalid companion export: recap_edits.{index} repeats the {edit.format} "
                f"recap of session {edit.session_id}"
            )
        pairs.add((edit.session_id, edit.format))
