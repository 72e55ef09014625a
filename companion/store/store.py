"""The one door to the practice database: typed reads and writes that take and return models."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from companion.core.models import (
    Action,
    ActionStatus,
    Client,
    Engagement,
    Goal,
    GoalScore,
    GoalStatus,
    Notes,
    Record,
    SearchHit,
    Session,
    StepTiming,
    Takeaway,
    now,
)

from .base import NotFound, StoreError, _locked, sqlite_refusals
from .checked import record_clean_close
from .checks import check_before_open, read_only_uri, unwritable, writable_problem
from .corrections import SessionCorrections
from .lease import Leases
from .lifecycle import Lifecycle
from .paths import create_private_file, resolve_db_path
from .recap_edits import RecapEdits
from .rows import (
    constraint_refusals,
    goal_score_from_row,
    record_row,
    session_from_row,
    session_row,
)
from .schema import migrations
from .timekeeping import Timekeeping, session_seconds
from .unlock import connection_to, passphrase_of, unlocked

M = TypeVar("M", bound=Record)


_WHAT: dict[str, str] = {
    "clients": "client",
    "engagements": "engagement",
    "goals": "goal",
    "sessions": "session",
    "notes": "notes",
    "session_periods": "session period",
    "step_timings": "step timing",
    "actions": "action",
    "goal_scores": "goal score",
    "takeaways": "takeaway",
}


def fts_query(text: str) -> str:
    """An FTS5 query for what a coach typed: every word quoted, as a prefix, all required.

    Quoting takes away FTS5's own syntax (AND, NEAR(, *, ", -, column:) so no input can raise;
    words with no letter or digit match nothing, so they are left out. '' means "search nothing".
    """
    words = [word for word in text.split() if any(ch.isalnum() for ch in word)]
    return " ".join('"' + word.replace('"', '""') + '"*' for word in words)


def _session_filter(
    client_id: int | None, since: date | None, until: date | None, finished: bool | None
) -> tuple[str | None, list[object]]:
    """The WHERE clause (None: every session) and its arguments for a listing of sessions."""
    clauses: list[str] = []
    args: list[object] = []
    if client_id is not None:
        clauses.append("client_id = ?")
        args.append(client_id)
    if since is not None:
        clauses.append("started_at >= ?")
        args.append(since.isoformat())
    if until is not None:
        clauses.append("started_at < date(?, '+1 day')")
        args.append(until.isoformat())
    if finished is not None:
        clauses.append("ended_at IS NOT NULL" if finished else "ended_at IS NULL")
    return " AND ".join(clauses) or None, args


class Store(Timekeeping, Leases, Lifecycle, RecapEdits, SessionCorrections):
    """A coach's practice: one SQLite file, opened once, migrated on open."""

    encrypted = False
    """Whether the file is encrypted (SQLCipher, see store/unlock.py)."""

    def __init__(self, db: Database, path: Path | None = None, *, read_only: str = "") -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        """Why this practice was opened read-only, in a few words ('the file is read-only', see
        `open(reading=True)`); '' when it was not."""
        self._lock = threading.RLock()
        self._checked_at: datetime | None = None  # when a whole-file check last passed (open)
        db.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            migrations.apply(db)

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path | None = None, *, reading: bool = False) -> Store:
        """Open (creating if need be) the database at PATH, $COMPANION_DB or the default place.

        An existing file that is damaged, another program's or from a newer companion is refused
        (StoreError) before anything is written to it, and so is one companion could not save to
        (the file, its folder or its disk read-only) unless READING: a command that only reads
        then gets it opened read-only (`read_only` says why), if it needs no upgrade.
        """
        db_path = resolve_db_path(path)
        connection: sqlite3.Connection | None = None
        key = passphrase_of(db_path)  # an encrypted practice: its passphrase, asked once
        checked_at = check_before_open(db_path, key)  # before the first write: refuse the rest
        problem = writable_problem(db_path)  # nor what SQLite would open read-only without a word
        if problem:
            reason = unwritable(db_path)
            if reading and reason and db_path.is_file() and db_path.stat().st_size > 0:
                return cls._open_read_only(db_path, problem, reason[0], key)
            raise StoreError(problem)
        try:
            create_private_file(db_path)
            connection = connection_to(db_path, key, check_same_thread=False, timeout=10)
            db = Database(connection, execute_plugins=False)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            store = cls(db, db_path)
            store._checked_at = checked_at
            store.encrypted = key is not None
            unlocked(db_path, key)
            return store
        except (OSError, sqlite3.Error) as error:
            if connection is not None:
                connection.close()
            known = writable_problem(db_path)  # it became read-only meanwhile, or SQLite found so
            if known:
                raise StoreError(known) from None
            problem = getattr(error, "strerror", None) or error
            raise StoreError(f"cannot open the practice database {db_path}: {problem}") from None

    @classmethod
    def _open_read_only(
        cls, db_path: Path, problem: str, reason: str, key: str | None = None
    ) -> Store:
        """The practice at DB_PATH for reading only; StoreError(PROBLEM) if it cannot be read so.

        A practice from an older companion needs its upgrade written first: refused.
        """
        connection: sqlite3.Connection | None = None
        try:
            connection = connection_to(
                read_only_uri(db_path), key, uri=True, check_same_thread=False, timeout=10
            )
            db = Database(connection, execute_plugins=False)
            if migrations.pending(db):
                raise StoreError(problem)
            store = cls(db, db_path, read_only=reason)
            store.encrypted = key is not None
            unlocked(db_path, key)
            return store
        except (StoreError, sqlite3.Error):
            if connection is not None:
                connection.close()
            raise StoreError(problem) from None

    @classmethod
    def memory(cls) -> Store:
        """An in-memory practice, for tests."""
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        return cls(Database(connection, execute_plugins=False))

    def close(self) -> None:
        """Close the file; one that was checked whole on open is noted as closed cleanly, so
        the next open need not read every page again (store/checked.py)."""
        with self._lock:
            self.db.close()
            if self.path is not None and self._checked_at is not None:
                record_clean_close(self.path, self._checked_at)
                self._checked_at = None

    # -- the door: every part of the store reads and writes through these ----------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[Database]:
        """The database under the lock, for reads that must agree with each other while the
        live screen's writer thread saves (one connection, shared by every thread).

        Re-entrant from the same thread; SQLite's errors come out as they are (no StoreError)."""
        with self._lock:
            yield self.db

    @contextlib.contextmanager
    def writing(self, *, transaction: bool = True) -> Iterator[Database]:
        """The database under the lock and in one transaction: all of the writes or none;
        SQLite's refusals (a full disk, a read-only file) come out as StoreError.

        Re-entrant from the same thread (the lock is an RLock): a writing() inside another is a
        savepoint of the outer transaction. TRANSACTION=False leaves the transactions to the
        caller, for what cannot run inside one (VACUUM, a WAL checkpoint, BEGIN IMMEDIATE).
        """
        with self._lock, sqlite_refusals(self.path):
            if not transaction:
                yield self.db
                return
            with self.db.atomic():
                yield self.db

    # -- helpers -----------------------------------------------------------------------------

    def _get(self, table: str, pk: int, model: type[M], what: str) -> M:
        try:
            return model.model_validate(self.db[table].get(pk))
        except NotFoundError:
            raise NotFound(f"no {what} with id {pk}") from None

    def _where(
        self,
        table: str,
        model: type[M],
        where: str | None = None,
        args: Sequence[Any] = (),
        order_by: str | None = None,
    ) -> list[M]:
        rows = self.db[table].rows_where(where, list(args), order_by=order_by)
        return [model.model_validate(row) for row in rows]

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        row = {key: value for key, value in row.items() if not (key == "id" and value is None)}
        with constraint_refusals(_WHAT[table]):
            return self.db[table].insert(row).last_pk

    def _update(self, table: str, pk: int | None, row: dict[str, Any], what: str) -> None:
        if pk is None:
            raise StoreError(f"cannot update a {what} that was never saved")
        row = {key: value for key, value in row.items() if key != "id"}
        try:
            with constraint_refusals(what):
                self.db[table].update(pk, row)
        except NotFoundError:
            raise NotFound(f"no {what} with id {pk}") from None

    # -- clients -----------------------------------------------------------------------------

    @_locked
    def add_client(self, client: Client) -> Client:
        self._check_name_free(client)
        return client.model_copy(update={"id": self._insert("clients", record_row(client))})

    def _check_name_free(self, client: Client) -> None:
        existing = self.find_client(client.name)
        if existing is not None and existing.id != client.id:
            raise StoreError(
                f"there is already a client called {existing.name!r} (names are unique, "
                "ignoring case): choose another name, e.g. with a surname or initial"
            )

    @_locked
    def get_client(self, client_id: int) -> Client:
        return self._get("clients", client_id, Client, "client")

    @_locked
    def find_client(self, name: str) -> Client | None:
        """The client with this name, ignoring case and surrounding spaces."""
        rows = self._where("clients", Client, "name = ? COLLATE NOCASE", [name.strip()])
        return rows[0] if rows else None

    @_locked
    def client_named(self, name: str) -> Client:
        client = self.find_client(name)
        if client is None:
            raise NotFound(f"no client called {name!r}")
        return client

    @_locked
    def get_or_create_client(self, name: str) -> tuple[Client, bool]:
        """The client called NAME, and whether they were created just now."""
        existing = self.find_client(name)
        if existing is not None:
            return existing, False
        return self.add_client(Client(name=name)), True

    @_locked
    def clients(self) -> list[Client]:
        return self._where("clients", Client, order_by="name COLLATE NOCASE")

    @_locked
    def client_count(self) -> int:
        """How many clients the practice holds (without reading them)."""
        return int(self.db.execute("SELECT count(*) FROM clients").fetchone()[0])

    @_locked
    def save_client(self, client: Client) -> Client:
        self._check_name_free(client)
        self._update("clients", client.id, record_row(client), "client")
        return client

    @_locked
    def delete_client(self, client_id: int) -> None:
        """Forget a client and everything recorded about them (engagements, sessions, notes...)."""
        self.get_client(client_id)  # NotFound for a wrong id
        with self.db.atomic():
            self.db.execute("DELETE FROM clients WHERE id = ?", [client_id])

    # -- engagements -------------------------------------------------------------------------

    @_locked
    def add_engagement(self, engagement: Engagement) -> Engagement:
        return engagement.model_copy(
            update={"id": self._insert("engagements", record_row(engagement))}
        )

    @_locked
    def get_engagement(self, engagement_id: int) -> Engagement:
        return self._get("engagements", engagement_id, Engagement, "engagement")

    @_locked
    def save_engagement(self, engagement: Engagement) -> Engagement:
        self._update("engagements", engagement.id, record_row(engagement), "engagement")
        return engagement

    @_locked
    def engagements(self, client_id: int) -> list[Engagement]:
        return self._where(
            "engagements", Engagement, "client_id = ?", [client_id], order_by="start_date, id"
        )

    @_locked
    def open_engagement(self, client_id: int) -> Engagement | None:
        rows = self._where(
            "engagements",
            Engagement,
            "client_id = ? AND status = 'open'",
            [client_id],
            order_by="start_date DESC, id DESC",
        )
        return rows[0] if rows else None

    @_locked
    def ensure_open_engagement(self, client_id: int) -> Engagement:
        """The client's open coaching contract, started today if they have none."""
        return self.open_engagement(client_id) or self.add_engagement(
            Engagement(client_id=client_id)
        )

    # -- goals -------------------------------------------------------------------------------

    @_locked
    def add_goal(self, goal: Goal) -> Goal:
        return goal.model_copy(update={"id": self._insert("goals", record_row(goal))})

    @_locked
    def get_goal(self, goal_id: int) -> Goal:
        return self._get("goals", goal_id, Goal, "goal")

    @_locked
    def save_goal(self, goal: Goal) -> Goal:
        if goal.id is None:
            return self.add_goal(goal)
        self._update("goals", goal.id, record_row(goal), "goal")
        return goal

    @_locked
    def goals(
        self, client_id: int | None = None, *, status: GoalStatus | None = None
    ) -> list[Goal]:
        clauses, args = [], []
        if client_id is not None:
            clauses.append("client_id = ?")
            args.append(client_id)
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        return self._where("goals", Goal, " AND ".join(clauses) or None, args, order_by="id")

    # -- sessions ----------------------------------------------------------------------------

    @_locked
    def add_session(self, session: Session) -> Session:
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
    def get_session(self, session_id: int) -> Session:
        try:
            return session_from_row(self.db["sessions"].get(session_id))
        except NotFoundError:
            raise NotFound(f"no session with id {session_id}") from None

    @_locked
    def save_session(self, session: Session) -> Session:
        self._update("sessions", session.id, session_row(session), "session")
        return session

    @_locked
    def sessions(
        self,
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
        self, client_id: int | None = None, *, since: date | None = None
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
    def unfinished_sessions(self, client_id: int | None = None) -> list[Session]:
        return self.sessions(client_id, finished=False)

    @_locked
    def session_number(self, session: Session) -> int:
        """Which session of the engagement this is (1 for the first): see store.progress."""
        from .progress import session_number

        if session.id is None:
            raise NotFound("a session that was never saved has no number")
        return session_number(self.db, session.id)

    @_locked
    def previous_session(self, session: Session) -> Session | None:
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
        self,
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
    def get_notes(self, session_id: int) -> Notes:
        try:
            return Notes.model_validate(self.db["notes"].get(session_id))
        except NotFoundError:
            self.get_session(session_id)  # raises NotFound for a wrong id
            return Notes(session_id=session_id)

    @_locked
    def save_notes(self, session_id: int, text: str) -> Notes:
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
        self, session_id: int, step_index: int, step_id: str, at: datetime | None = None
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
    def step_timings(self, session_id: int) -> list[StepTiming]:
        return self._where(
            "step_timings", StepTiming, "session_id = ?", [session_id], order_by="entered_at, id"
        )

    # -- actions -----------------------------------------------------------------------------

    @_locked
    def add_action(self, action: Action) -> Action:
        return action.model_copy(update={"id": self._insert("actions", record_row(action))})

    @_locked
    def get_action(self, action_id: int) -> Action:
        return self._get("actions", action_id, Action, "action")

    @_locked
    def save_action(self, action: Action) -> Action:
        if action.id is None:
            return self.add_action(action)
        self._update("actions", action.id, record_row(action), "action")
        return action

    @_locked
    def set_action_status(
        self,
        action_id: int,
        status: ActionStatus,
        *,
        reviewed_in: int | None = None,
        due_on: date | None = None,
    ) -> Action:
        """Follow an action up: done, dropped, or still open (carried forward, maybe re-dated)."""
        action = self.get_action(action_id)
        update: dict[str, Any] = {
            "status": status,
            "closed_at": None if status == "open" else (action.closed_at or now()),
        }
        if reviewed_in is not None:
            update["reviewed_session_id"] = reviewed_in
        if due_on is not None:
            update["due_on"] = due_on
        return self.save_action(action.model_copy(update=update))

    @_locked
    def actions(
        self,
        client_id: int | None = None,
        *,
        session_id: int | None = None,
        status: ActionStatus | None = None,
        overdue_on: date | None = None,
    ) -> list[Action]:
        """Actions by due date, undated last; overdue_on keeps the open ones due before that day."""
        clauses, args = [], []
        if client_id is not None:
            clauses.append("client_id = ?")
            args.append(client_id)
        if session_id is not None:
            clauses.append("session_id = ?")
            args.append(session_id)
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        if overdue_on is not None:
            clauses.append("status = 'open' AND due_on IS NOT NULL AND due_on < ?")
            args.append(overdue_on.isoformat())
        return self._where(
            "actions",
            Action,
            " AND ".join(clauses) or None,
            args,
            order_by="due_on IS NULL, due_on, id",
        )

    @_locked
    def actions_to_review(self, session: Session) -> list[Action]:
        """Actions from earlier sessions still open, or already followed up in this one."""
        return self._where(
            "actions",
            Action,
            "client_id = ? AND (session_id IS NULL OR session_id != ?) "
            "AND (status = 'open' OR reviewed_session_id = ?)",
            [session.client_id, session.id, session.id],
            order_by="due_on IS NULL, due_on, id",
        )

    # -- goal scores -------------------------------------------------------------------------

    @_locked
    def set_goal_score(self, goal_id: int, session_id: int, score: int) -> GoalScore:
        record = GoalScore(goal_id=goal_id, session_id=session_id, score=score)
        with self.db.atomic(), constraint_refusals("goal score"):
            self.db.execute(
                "INSERT INTO goal_scores (goal_id, session_id, score, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (goal_id, session_id) "
                "DO UPDATE SET score = excluded.score",
                [goal_id, session_id, score, record.created_at.isoformat()],
            )
            row = self.db.execute(
                "SELECT id, goal_id, session_id, score, created_at FROM goal_scores "
                "WHERE goal_id = ? AND session_id = ?",
                [goal_id, session_id],
            ).fetchone()
        return goal_score_from_row(row)

    @_locked
    def goal_scores(
        self, *, goal_id: int | None = None, session_id: int | None = None
    ) -> list[GoalScore]:
        """Scores in the order of the sessions they were given in."""
        clauses, args = [], []
        if goal_id is not None:
            clauses.append("goal_scores.goal_id = ?")
            args.append(goal_id)
        if session_id is not None:
            clauses.append("goal_scores.session_id = ?")
            args.append(session_id)
        where = " AND ".join(clauses) or "1"
        rows = self.db.query(
            "SELECT goal_scores.* FROM goal_scores "
            "JOIN sessions ON sessions.id = goal_scores.session_id "
            f"WHERE {where} ORDER BY sessions.started_at, goal_scores.id",
            args,
        )
        return [GoalScore.model_validate(row) for row in rows]

    @_locked
    def last_score(self, goal_id: int) -> GoalScore | None:
        scores = self.goal_scores(goal_id=goal_id)
        return scores[-1] if scores else None

    # -- takeaways ---------------------------------------------------------------------------

    @_locked
    def add_takeaway(self, takeaway: Takeaway) -> Takeaway:
        return takeaway.model_copy(update={"id": self._insert("takeaways", record_row(takeaway))})

    @_locked
    def takeaways(self, session_id: int) -> list[Takeaway]:
        return self._where("takeaways", Takeaway, "session_id = ?", [session_id], order_by="id")

    @_locked
    def replace_takeaways(self, session_id: int, texts: Iterable[str]) -> list[Takeaway]:
        with self.db.atomic():
            self.db.execute("DELETE FROM takeaways WHERE session_id = ?", [session_id])
            return [
                self.add_takeaway(Takeaway(session_id=session_id, text=text))
                for text in texts
                if text.strip()
            ]

    # -- search ------------------------------------------------------------------------------

    @_locked
    def search(
        self, query: str, *, client_id: int | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Full-text search over notes, agreements, actions, takeaways, goals (every SMARTE
        field) and contracts, best matches first; a notes hit says the step it is under.

        The query is taken as plain words, each matching the start of a word ("deleg" finds
        "delegation"), all of them required; anything a coach types is safe (see fts_query).
        """
        match = fts_query(query)
        if not match:
            return []
        client_clause = "AND clients.id = :client_id" if client_id is not None else ""
        sql = f"""
        SELECT * FROM (
            SELECT 'notes' AS kind, sessions.id AS session_id, clients.id AS client_id,
                   clients.name AS client_name, sessions.started_at AS started_at,
                   snippet(notes_fts, -1, '[[', ']]', '…', 16) AS snippet, notes_fts.rank AS rank
            FROM notes_fts
            JOIN notes ON notes.rowid = notes_fts.rowid
            JOIN sessions ON sessions.id = notes.session_id
            JOIN clients ON clients.id = sessions.client_id
            WHERE notes_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'agreement', sessions.id, clients.id, clients.name, sessions.started_at,
                   snippet(sessions_fts, -1, '[[', ']]', '…', 16), sessions_fts.rank
            FROM sessions_fts
            JOIN sessions ON sessions.rowid = sessions_fts.rowid
            JOIN clients ON clients.id = sessions.client_id
            WHERE sessions_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'action', actions.session_id, clients.id, clients.name, sessions.started_at,
                   snippet(actions_fts, -1, '[[', ']]', '…', 16), actions_fts.rank
            FROM actions_fts
            JOIN actions ON actions.rowid = actions_fts.rowid
            JOIN clients ON clients.id = actions.client_id
            LEFT JOIN sessions ON sessions.id = actions.session_id
            WHERE actions_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'takeaway', sessions.id, clients.id, clients.name, sessions.started_at,
                   snippet(takeaways_fts, -1, '[[', ']]', '…', 16), takeaways_fts.rank
            FROM takeaways_fts
            JOIN takeaways ON takeaways.rowid = takeaways_fts.rowid
            JOIN sessions ON sessions.id = takeaways.session_id
            JOIN clients ON clients.id = sessions.client_id
            WHERE takeaways_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'goal', NULL, clients.id, clients.name, NULL,
                   snippet(goals_fts, -1, '[[', ']]', '…', 16), goals_fts.rank
            FROM goals_fts
            JOIN goals ON goals.rowid = goals_fts.rowid
            JOIN clients ON clients.id = goals.client_id
            WHERE goals_fts MATCH :match {client_clause}
            UNION ALL
            SELECT 'contract', NULL, clients.id, clients.name, NULL,
                   snippet(engagements_fts, -1, '[[', ']]', '…', 16), engagements_fts.rank
            FROM engagements_fts
            JOIN engagements ON engagements.rowid = engagements_fts.rowid
            JOIN clients ON clients.id = engagements.client_id
            WHERE engagements_fts MATCH :match {client_clause}
        ) ORDER BY rank, started_at DESC LIMIT :limit
        """
        rows = self.db.query(sql, {"match": match, "client_id": client_id, "limit": limit})
        hits = [
            SearchHit.model_validate({k: v for k, v in row.items() if k != "rank"}) for row in rows
        ]
        return self._with_steps(hits)

    def _with_steps(self, hits: list[SearchHit]) -> list[SearchHit]:
        """Each notes hit with the step its match is under (one more query, for all of them)."""
        from companion.core.notes import step_of_match

        ids = sorted({h.session_id for h in hits if h.kind == "notes" and h.session_id})
        if not ids:
            return hits
        marks = ", ".join("?" for _ in ids)
        texts = dict(
            self.db.execute(
                f"SELECT session_id, text FROM notes WHERE session_id IN ({marks})", ids
            ).fetchall()
        )
        return [
            hit.model_copy(
                update={"step": step_of_match(texts.get(hit.session_id, ""), hit.snippet)}
            )
            if hit.kind == "notes"
            else hit
            for hit in hits
        ]
