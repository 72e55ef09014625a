"""The practice database schema, as numbered forward migrations (sqlite-utils' Migrations).

Each migration runs once, in a transaction, and is recorded in `_sqlite_migrations`. Never edit
a migration that has shipped: add the next one.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("companion")

_TABLES = """
CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX clients_name ON clients (name COLLATE NOCASE);
CREATE TABLE engagements (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    sponsor_name TEXT NOT NULL DEFAULT '',
    sponsor_role TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date TEXT,
    sessions_planned INTEGER,
    confidentiality TEXT NOT NULL DEFAULT '',
    billing TEXT NOT NULL DEFAULT 'paid' CHECK (billing IN ('paid', 'pro_bono')),
    format TEXT NOT NULL DEFAULT 'individual' CHECK (format IN ('individual', 'group')),
    group_size INTEGER,
    objective TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
);
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    engagement_id INTEGER REFERENCES engagements (id) ON DELETE SET NULL,
    specific TEXT NOT NULL,
    measurable TEXT NOT NULL DEFAULT '',
    achievable TEXT NOT NULL DEFAULT '',
    realistic TEXT NOT NULL DEFAULT '',
    timely TEXT,
    ecological TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'achieved', 'adjusted', 'dropped')),
    created_at TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    engagement_id INTEGER REFERENCES engagements (id) ON DELETE SET NULL,
    protocol_id TEXT NOT NULL,
    protocol_snapshot TEXT NOT NULL DEFAULT '',
    planned_minutes INTEGER NOT NULL DEFAULT 60,
    mode TEXT NOT NULL DEFAULT 'video' CHECK (mode IN ('video', 'phone', 'in-person')),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    agreement_topic TEXT NOT NULL DEFAULT '',
    agreement_desired_outcome TEXT NOT NULL DEFAULT '',
    agreement_measure_of_success TEXT NOT NULL DEFAULT '',
    current_step INTEGER NOT NULL DEFAULT 0,
    next_session_on TEXT
);
CREATE TABLE notes (
    session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    text TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE TABLE step_timings (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    step_index INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    left_at TEXT
);
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    reviewed_session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT 'coachee' CHECK (owner IN ('coachee', 'coach')),
    due_on TEXT,
    goal_id INTEGER REFERENCES goals (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE TABLE goal_scores (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    created_at TEXT NOT NULL,
    UNIQUE (goal_id, session_id)
);
CREATE TABLE takeaways (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    text TEXT NOT NULL
)
"""

# Every table of records, parents before children (so each reference points at a row already
# written when they are written in this order).
RECORD_TABLES: tuple[str, ...] = (
    "clients",
    "engagements",
    "goals",
    "sessions",
    "notes",
    "session_periods",
    "step_timings",
    "actions",
    "goal_scores",
    "takeaways",
)

# The text a coach may search, per table; the FTS index of each is kept current by triggers.
# (m002 indexed these four; m011_search_goals_contract the goals and the contract.)
SEARCHABLE: dict[str, list[str]] = {
    "notes": ["text"],
    "sessions": ["agreement_topic", "agreement_desired_outcome", "agreement_measure_of_success"],
    "actions": ["text"],
    "takeaways": ["text"],
}


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]


@migrations()
def m001_tables(db: Database) -> None:
    for statement in _statements(_TABLES):
        db.execute(statement)


@migrations()
def m002_full_text_search(db: Database) -> None:
    for table, columns in SEARCHABLE.items():
        db[table].enable_fts(
            columns, create_triggers=True, tokenize="unicode61 remove_diacritics 2"
        )
        db[table].populate_fts(columns)  # rows written before this migration become searchable


@migrations()
def m003_indexes(db: Database) -> None:
    db.execute("CREATE INDEX sessions_client_started ON sessions (client_id, started_at)")
    db.execute("CREATE INDEX engagements_client ON engagements (client_id)")
    db.execute("CREATE INDEX goals_client ON goals (client_id)")
    db.execute("CREATE INDEX actions_client_status ON actions (client_id, status)")
    db.execute("CREATE INDEX actions_session ON actions (session_id)")
    db.execute("CREATE INDEX step_timings_session ON step_timings (session_id)")
    db.execute("CREATE INDEX goal_scores_session ON goal_scores (session_id)")
    db.execute("CREATE INDEX takeaways_session ON takeaways (session_id)")


@migrations()
def m004_sessions_by_engagement(db: Database) -> None:
    """Counting a session's number within its engagement must not scan every session."""
    db.execute("CREATE INDEX sessions_engagement_started ON sessions (engagement_id, started_at)")


@migrations()
def m005_session_periods(db: Database) -> None:
    """Time in session is the sum of the periods the session was open, not end minus start.

    A finished session keeps the duration it showed before (end minus start); an unfinished one
    gets one period, from its start to the last time its notes were saved.
    """
    db.execute(
        "CREATE TABLE session_periods ("
        "id INTEGER PRIMARY KEY, "
        "session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE, "
        "opened_at TEXT NOT NULL, "
        "last_seen_at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX session_periods_session ON session_periods (session_id, opened_at)")
    db.execute("ALTER TABLE sessions ADD COLUMN duration_seconds INTEGER")
    db.execute(
        "UPDATE sessions SET duration_seconds = max(0, CAST(round("
        "(julianday(ended_at) - julianday(started_at)) * 86400) AS INTEGER)) "
        "WHERE ended_at IS NOT NULL"
    )
    db.execute(
        "INSERT INTO session_periods (session_id, opened_at, last_seen_at) "
        "SELECT sessions.id, sessions.started_at, "
        "max(coalesce(notes.updated_at, sessions.started_at), sessions.started_at) "
        "FROM sessions LEFT JOIN notes ON notes.session_id = sessions.id "
        "WHERE sessions.ended_at IS NULL ORDER BY sessions.id"
    )


@migrations()
def m006_session_leases(db: Database) -> None:
    """Which window has a session open: one row per open session, renewed while it is open."""
    db.execute(
        "CREATE TABLE session_leases ("
        "session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE, "
        "token TEXT NOT NULL, "
        "pid INTEGER NOT NULL, "
        "host TEXT NOT NULL, "
        "taken_at TEXT NOT NULL, "
        "heartbeat_at TEXT NOT NULL)"
    )


@migrations()
def m007_contract_details(db: Database) -> None:
    """How to reach the sponsor, and whether the client may be named in the ICF log."""
    db.execute("ALTER TABLE engagements ADD COLUMN sponsor_contact TEXT NOT NULL DEFAULT ''")
    db.execute(
        "ALTER TABLE engagements ADD COLUMN log_consent INTEGER NOT NULL DEFAULT 1 "
        "CHECK (log_consent IN (0, 1))"
    )


@migrations()
def m010_goal_lifecycle(db: Database) -> None:
    """Goals through their life: the day a status was given, and an adjusted goal's earlier
    version; actions owned by the sponsor too (SQLite cannot change a CHECK, so `actions` is
    rebuilt with the same rows, ids, indexes and search triggers)."""
    db.execute("ALTER TABLE goals ADD COLUMN status_on TEXT")
    db.execute(
        "ALTER TABLE goals ADD COLUMN adjusted_from INTEGER "
        "REFERENCES goals (id) ON DELETE SET NULL"
    )
    kept = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'actions' "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
        ).fetchall()
    ]
    columns = [row[1] for row in db.execute("PRAGMA table_info(actions)").fetchall()]
    db.execute(
        "CREATE TABLE actions_m010 ("
        "id INTEGER PRIMARY KEY, "
        "client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE, "
        "session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL, "
        "reviewed_session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL, "
        "text TEXT NOT NULL, "
        "owner TEXT NOT NULL DEFAULT 'coachee' CHECK (owner IN ('coachee', 'coach', 'sponsor')), "
        "due_on TEXT, "
        "goal_id INTEGER REFERENCES goals (id) ON DELETE SET NULL, "
        "status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')), "
        "created_at TEXT NOT NULL, "
        "closed_at TEXT)"
    )
    names = ", ".join(columns)
    db.execute(f"INSERT INTO actions_m010 ({names}) SELECT {names} FROM actions")
    db.execute("DROP TABLE actions")
    db.execute("ALTER TABLE actions_m010 RENAME TO actions")
    for sql in kept:
        db.execute(sql)


@migrations()
def m011_recap_edits(db: Database) -> None:
    """The recap as the coach edited it before copying, per session and format (issue 11)."""
    db.execute(
        "CREATE TABLE recap_edits ("
        "session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE, "
        "format TEXT NOT NULL CHECK (format IN ('markdown', 'text')), "
        "text TEXT NOT NULL, "
        "edited_at TEXT NOT NULL, "
        "PRIMARY KEY (session_id, format))"
    )


GOALS_AND_CONTRACT_SEARCHABLE: dict[str, list[str]] = {
    "goals": ["specific", "measurable", "achievable", "realistic", "ecological"],
    "engagements": ["objective", "confidentiality", "sponsor_name", "sponsor_role"],
}

SEARCH_INDEXED: dict[str, list[str]] = {**SEARCHABLE, **GOALS_AND_CONTRACT_SEARCHABLE}
"""Every table with a search index (forget rebuilds each; doctor checks each)."""


@migrations()
def m011_search_goals_contract(db: Database) -> None:
    """Search covers the goals (every SMARTE field) and the contract too (issue 11)."""
    for table, columns in GOALS_AND_CONTRACT_SEARCHABLE.items():
        db[table].enable_fts(
            columns, create_triggers=True, tokenize="unicode61 remove_diacritics 2"
        )
        db[table].populate_fts(columns)


@migrations()
def m012_home_indexes(db: Database) -> None:
    """Home's unfinished sessions and its actions due without reading every session and action:
    on 50,000 sessions its three reads took 75 ms, most of it two whole-table scans."""
    db.execute("CREATE INDEX sessions_unfinished ON sessions (started_at) WHERE ended_at IS NULL")
    db.execute(
        "CREATE INDEX actions_open_due ON actions (due_on) "
        "WHERE status = 'open' AND due_on IS NOT NULL"
    )
