"""Importing a companion export: adding what it holds that this database lacks.

Importing adds to the current database and never loses or duplicates anything, so importing the
same file twice changes nothing the second time:

- ids are the exporting database's; every record gets a new id here and every reference to it
  (client, engagement, goal, session) is rewritten to the new id;
- a client is the same as one already here when the names match, ignoring case;
- an engagement is the same when client, start date and sponsor match;
- a goal is the same when client and goal text match, ignoring case;
- a session is the same when client, start time and protocol match; a session already here is
  kept as it is, with its notes, periods, step timings, takeaways and edited recaps (the file's
  are skipped);
- a session keeps its time in session (`duration_seconds`); a finished one from an export made
  before companion stored it gets end minus start (what it showed there), an unfinished one
  without periods gets one from its start to its notes' last save;
- an action is the same when client, text and creation time match;
- a goal score is the same when goal and session match (there is one score per pair).

What is already in the database wins: an import only ever adds, never changes a record that is
there (a client's contact, an action's status). The whole import is one transaction, of a
document `read_export` has checked through.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field
from sqlite_utils import Database

from companion.core.models import Goal, Notes
from companion.core.text import text_key

from .exchange import PracticeExport
from .rows import constraint_refusals, record_row, session_row
from .store import Store
from .timekeeping import session_seconds


class ImportSummary(BaseModel):
    """What an import added and what it found already there, per kind of record."""

    added: dict[str, int] = Field(default_factory=dict)
    skipped: dict[str, int] = Field(default_factory=dict)

    def count(self, kind: str, added: bool) -> None:
        bucket = self.added if added else self.skipped
        bucket[kind] = bucket.get(kind, 0) + 1


def import_practice(store: Store, document: PracticeExport) -> ImportSummary:
    """Add what the export holds that this database lacks, all or nothing (see module doc)."""
    summary = ImportSummary()
    with store.writing() as db:
        _Importer(db, summary).run(document)
    return summary


class _Importer:
    """One import: the id maps from the file's ids to this database's."""

    def __init__(self, db: Database, summary: ImportSummary) -> None:
        """DB is the store's, as `Store.writing()` gives it: locked, in one transaction."""
        self.db = db
        self.summary = summary
        self.clients: dict[int, int] = {}
        self.engagements: dict[int, int] = {}
        self.goals: dict[int, int] = {}
        self.sessions: dict[int, int] = {}
        self.new_sessions: set[int] = set()

    def _find(self, sql: str, args: list[Any]) -> int | None:
        row = self.db.execute(sql, args).fetchone()
        return None if row is None else int(row[0])

    def _insert(self, table: str, what: str, row: dict[str, Any]) -> int:
        """One plain INSERT (tables and columns are ours, never the file's): a new id here."""
        row = {key: value for key, value in row.items() if key != "id"}
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with constraint_refusals(what):
            cursor = self.db.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())
            )
        return int(cursor.lastrowid or 0)

    def _place(
        self,
        kind: str,
        what: str,
        find: Callable[[], int | None],
        row: Callable[[], dict[str, Any]],
    ) -> int:
        found = find()
        self.summary.count(kind, found is None)
        return found if found is not None else self._insert(kind, what, row())

    def run(self, document: PracticeExport) -> None:
        for client in document.clients:
            assert client.id is not None
            self.clients[client.id] = self._place(
                "clients",
                "client",
                lambda c=client: self._find(
                    "SELECT id FROM clients WHERE name = ? COLLATE NOCASE", [c.name]
                ),
                lambda c=client: record_row(c),
            )
        for engagement in document.engagements:
            assert engagement.id is not None
            mapped = engagement.model_copy(update={"client_id": self.clients[engagement.client_id]})
            self.engagements[engagement.id] = self._place(
                "engagements",
                "engagement",
                lambda e=mapped: self._find(
                    "SELECT id FROM engagements WHERE client_id = ? AND start_date = ? "
                    "AND sponsor_name = ? COLLATE NOCASE ORDER BY id",
                    [e.client_id, e.start_date.isoformat(), e.sponsor_name],
                ),
                lambda e=mapped: record_row(e),
            )
        for goal in document.goals:
            assert goal.id is not None
            mapped_goal = goal.model_copy(
                update={
                    "client_id": self.clients[goal.client_id],
                    "engagement_id": self._maybe(self.engagements, goal.engagement_id),
                    # the earlier version, placed before it (goals come in id order)
                    "adjusted_from": (
                        self.goals.get(goal.adjusted_from) if goal.adjusted_from else None
                    ),
                }
            )
            self.goals[goal.id] = self._place(
                "goals",
                "goal",
                lambda g=mapped_goal: self._same_goal(g),
                lambda g=mapped_goal: record_row(g),
            )
        for session in document.sessions:
            assert session.id is not None
            mapped_session = session.model_copy(
                update={
                    "client_id": self.clients[session.client_id],
                    "engagement_id": self._maybe(self.engagements, session.engagement_id),
                }
            )
            found = self._find(
                "SELECT id FROM sessions WHERE client_id = ? AND started_at = ? "
                "AND protocol_id = ? ORDER BY id",
                [
                    mapped_session.client_id,
                    mapped_session.started_at.isoformat(),
                    mapped_session.protocol_id,
                ],
            )
            self.summary.count("sessions", found is None)
            if found is None:
                if mapped_session.ended_at is not None and mapped_session.duration_seconds is None:
                    seconds = session_seconds(mapped_session.started_at, mapped_session.ended_at)
                    mapped_session = mapped_session.model_copy(update={"duration_seconds": seconds})
                found = self._insert("sessions", "session", session_row(mapped_session))
                self.new_sessions.add(session.id)
            self.sessions[session.id] = found
        self._session_parts(document)
        self._actions(document)

    def _maybe(self, ids: dict[int, int], old: int | None) -> int | None:
        return None if old is None else ids[old]

    def _same_goal(self, goal: Goal) -> int | None:
        rows = self.db.execute(
            "SELECT id, specific FROM goals WHERE client_id = ? ORDER BY id", [goal.client_id]
        ).fetchall()
        wanted = text_key(goal.specific)
        return next((int(row[0]) for row in rows if text_key(row[1]) == wanted), None)

    def _session_parts(self, document: PracticeExport) -> None:
        """Notes, step timings, takeaways and edited recaps come with a new session, never into
        an old one."""
        for notes in document.notes:
            new = notes.session_id in self.new_sessions
            self.summary.count("notes", new)
            if new:
                row = record_row(
                    notes.model_copy(update={"session_id": self.sessions[notes.session_id]})
                )
                self._insert("notes", "notes", row)
        for period in document.session_periods:
            new = period.session_id in self.new_sessions
            self.summary.count("session_periods", new)
            if new:
                moved = period.model_copy(update={"session_id": self.sessions[period.session_id]})
                self._insert("session_periods", "session period", record_row(moved))
        for timing in document.step_timings:
            new = timing.session_id in self.new_sessions
            self.summary.count("step_timings", new)
            if new:
                mapped = timing.model_copy(update={"session_id": self.sessions[timing.session_id]})
                self._insert("step_timings", "step timing", record_row(mapped))
        for takeaway in document.takeaways:
            new = takeaway.session_id in self.new_sessions
            self.summary.count("takeaways", new)
            if new:
                mapped_takeaway = takeaway.model_copy(
                    update={"session_id": self.sessions[takeaway.session_id]}
                )
                self._insert("takeaways", "takeaway", record_row(mapped_takeaway))
        for edit in document.recap_edits:
            new = edit.session_id in self.new_sessions
            self.summary.count("recap_edits", new)
            if new:
                moved_edit = edit.model_copy(update={"session_id": self.sessions[edit.session_id]})
                self._insert("recap_edits", "recap", record_row(moved_edit))
        for score in document.goal_scores:
            goal_id, session_id = self.goals[score.goal_id], self.sessions[score.session_id]
            found = self._find(
                "SELECT id FROM goal_scores WHERE goal_id = ? AND session_id = ?",
                [goal_id, session_id],
            )
            self.summary.count("goal_scores", found is None)
            if found is None:
                mapped_score = score.model_copy(
                    update={"goal_id": goal_id, "session_id": session_id}
                )
                self._insert("goal_scores", "goal score", record_row(mapped_score))
        # A session created by add_session always has a notes row; keep that true here.
        for old_id in self.new_sessions:
            new_id = self.sessions[old_id]
            if self._find("SELECT session_id FROM notes WHERE session_id = ?", [new_id]) is None:
                self._insert("notes", "notes", record_row(Notes(session_id=new_id)))
        # ...and an unfinished one has a period: from an older export, as m005 gives it one.
        self.db.execute(
            "INSERT INTO session_periods (session_id, opened_at, last_seen_at) "
            "SELECT sessions.id, sessions.started_at, "
            "max(coalesce(notes.updated_at, sessions.started_at), sessions.started_at) "
            "FROM sessions LEFT JOIN notes ON notes.session_id = sessions.id "
            "WHERE sessions.ended_at IS NULL AND sessions.id IN (SELECT value FROM json_each(?)) "
            "AND NOT EXISTS (SELECT 1 FROM session_periods WHERE session_id = sessions.id) "
            "ORDER BY sessions.id",
            [json.dumps(sorted(self.sessions[old] for old in self.new_sessions))],
        )

    def _actions(self, document: PracticeExport) -> None:
        for action in document.actions:
            mapped = action.model_copy(
                update={
                    "client_id": self.clients[action.client_id],
                    "session_id": self._maybe(self.sessions, action.session_id),
                    "reviewed_session_id": self._maybe(self.sessions, action.reviewed_session_id),
                    "goal_id": self._maybe(self.goals, action.goal_id),
                }
            )
            self._place(
                "actions",
                "action",
                lambda a=mapped: self._find(
                    "SELECT id FROM actions WHERE client_id = ? AND text = ? AND created_at = ?",
                    [a.client_id, a.text, a.created_at.isoformat()],
                ),
                lambda a=mapped: record_row(a),
            )
