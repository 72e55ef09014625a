"""Write tests/fixtures/schemas/vNNN.db: a small practice as each schema version left it.

For every version N (1 up to the latest) the file gets exactly the first N migrations of
companion.store.schema (the same set name, so `_sqlite_migrations` records what a real install
of that version recorded), then a few rows in every table that exists at that version, written
by plain SQL with fixed timestamps. tests/test_schema_fixtures.py opens copies of them under
the current code.

Run it after adding a migration (the test of the newest fixture says so):

    .venv/bin/python tests/make_schema_fixtures.py

Old versions are rebuilt too; migrations never change once shipped, so their files come out the
same apart from SQLite's own bookkeeping.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlite_utils import Database

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent, HERE):  # companion and test_migrations, when run as a script
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from test_migrations import OLD_ROWS  # noqa: E402  (the first version's rows, reused)

from companion.store.schema import migrations  # noqa: E402

FIXTURES = HERE / "fixtures" / "schemas"
ALL: list[str] = [migration.name for migration in migrations.pending(Database(memory=True))]
PERIODS_FROM = ALL.index("m005_session_periods") + 1  # the first version with session periods
LEASES_FROM = ALL.index("m006_session_leases") + 1  # the first version with session leases
CONTRACT_FROM = ALL.index("m007_contract_details") + 1  # sponsor contact and log consent
GOAL_LIFE_FROM = ALL.index("m010_goal_lifecycle") + 1  # a goal's status day and earlier version
RECAP_EDITS_FROM = ALL.index("m011_recap_edits") + 1  # the recap as the coach edited it
APPLIED_AT = "2026-09-01 08:00:{:02d}.000000+00:00"  # recorded per migration, fixed

Row = dict[str, object]

# The first version's rows (tests/test_migrations.py), and a third client who is not ASCII,
# with an unfinished session whose notes carry a private line.
ZOE = "Zoë Ørsted-Łukasz 山田"
EXTRA_ROWS: dict[str, list[Row]] = {
    "clients": [
        {"id": 3, "name": ZOE, "contact": "zoë@example.org", "created_at": "2026-09-03T09:00:00"},
    ],
    "goals": [
        {"id": 2, "client_id": 3, "engagement_id": None, "specific": "Rentrer à temps plein",
         "measurable": "", "achievable": "", "realistic": "", "timely": None,
         "ecological": "", "status": "active", "created_at": "2026-09-10T14:10:00"},
    ],
    "sessions": [
        {"id": 3, "client_id": 3, "engagement_id": None, "protocol_id": "grow",
         "protocol_snapshot": "", "planned_minutes": 45, "mode": "in-person",
         "started_at": "2026-09-10T14:00:00", "ended_at": None,
         "agreement_topic": "Retour après le congé sabbatique",
         "agreement_desired_outcome": "", "agreement_measure_of_success": "",
         "current_step": 2, "next_session_on": None},
    ],
    "notes": [
        {"session_id": 3,
         "text": "## Réalité\nBack from the sabbatical in Kyoto, café every morning.\n"
                 "// private: sounds exhausted\n",
         "updated_at": "2026-09-10T14:40:00"},
    ],
    "step_timings": [
        {"id": 3, "session_id": 3, "step_index": 0, "step_id": "agreement",
         "entered_at": "2026-09-10T14:00:00", "left_at": "2026-09-10T14:10:00"},
        {"id": 4, "session_id": 3, "step_index": 2, "step_id": "reality",
         "entered_at": "2026-09-10T14:10:00", "left_at": None},
    ],
    "actions": [
        {"id": 3, "client_id": 3, "session_id": 3, "reviewed_session_id": None,
         "text": "Écrire à l'équipe avant lundi", "owner": "coachee", "due_on": "2026-09-14",
         "goal_id": 2, "status": "open", "created_at": "2026-09-10T14:30:00",
         "closed_at": None},
    ],
    "goal_scores": [
        {"id": 2, "goal_id": 2, "session_id": 3, "score": 7,
         "created_at": "2026-09-10T14:35:00"},
    ],
    "takeaways": [
        {"id": 2, "session_id": 1, "text": "Déléguer n'est pas abandonner"},
    ],
}  # fmt: skip

# What versions with periods keep per finished session, and the periods of unfinished ones.
DURATIONS: dict[int, int | None] = {1: 3600, 2: None, 3: None}
PERIODS: list[Row] = [
    {"id": 1, "session_id": 2, "opened_at": "2026-09-09T10:00:00",
     "last_seen_at": "2026-09-09T10:00:00"},
    {"id": 2, "session_id": 3, "opened_at": "2026-09-10T14:00:00",
     "last_seen_at": "2026-09-10T14:40:00"},
    {"id": 3, "session_id": 3, "opened_at": "2026-09-10T14:50:00",
     "last_seen_at": "2026-09-10T15:05:00"},
]  # fmt: skip
RECAP_EDITS: list[Row] = [
    {"session_id": 1, "format": "text", "text": "Dear Ana,\nthank you for today.\n",
     "edited_at": "2026-09-08T16:00:00"},
]  # fmt: skip
LEASES: list[Row] = [
    {"session_id": 3, "token": "fixture-token", "pid": 4242, "host": "coach-laptop",
     "taken_at": "2026-09-10T14:50:00", "heartbeat_at": "2026-09-10T15:05:00"},
]  # fmt: skip


def fixture_path(version: int) -> Path:
    return FIXTURES / f"v{version:03d}.db"


def rows_at(version: int) -> dict[str, list[Row]]:
    """Every row the fixture of VERSION holds, table by table, parents first."""
    tables: dict[str, list[Row]] = {}
    for table in OLD_ROWS.keys() | EXTRA_ROWS.keys():
        tables[table] = [dict(row) for row in OLD_ROWS.get(table, []) + EXTRA_ROWS.get(table, [])]
    if version >= PERIODS_FROM:
        for row in tables["sessions"]:
            row["duration_seconds"] = DURATIONS[int(str(row["id"]))]
        tables["session_periods"] = [dict(row) for row in PERIODS]
    if version >= LEASES_FROM:
        tables["session_leases"] = [dict(row) for row in LEASES]
    if version >= CONTRACT_FROM:
        for row in tables["engagements"]:
            row["sponsor_contact"] = "marc@example.org" if row["sponsor_name"] else ""
            row["log_consent"] = 1
    if version >= GOAL_LIFE_FROM:
        for row in tables["goals"]:
            row["status_on"] = None
            row["adjusted_from"] = None
    if version >= RECAP_EDITS_FROM:
        tables["recap_edits"] = [dict(row) for row in RECAP_EDITS]
    order = [
        "clients", "engagements", "goals", "sessions", "notes", "session_periods",
        "step_timings", "actions", "goal_scores", "takeaways", "session_leases", "recap_edits",
    ]  # fmt: skip
    return {table: tables[table] for table in order if table in tables}


def build(version: int, path: Path) -> None:
    """Write the practice of schema VERSION (its first VERSION migrations) to PATH."""
    for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        stale.unlink(missing_ok=True)
    db = Database(path)
    try:
        db.execute("PRAGMA page_size = 512")  # the smallest: a page per table and index adds up
        db.execute("PRAGMA journal_mode = DELETE")
        db.execute("PRAGMA foreign_keys = ON")
        migrations.apply(db, stop_before=ALL[version:])
        applied = [m.name for m in migrations.applied(db)]
        assert applied == ALL[:version], applied
        for number, name in enumerate(applied):
            db.execute(
                "UPDATE _sqlite_migrations SET applied_at = ? WHERE migration_set = ? AND name = ?",
                [APPLIED_AT.format(number), migrations.name, name],
            )
        for table, rows in rows_at(version).items():
            for row in rows:
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        db.conn.commit()
        db.execute("VACUUM")
    finally:
        db.close()


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for version in range(1, len(ALL) + 1):
        path = fixture_path(version)
        build(version, path)
        print(f"{path.relative_to(HERE.parent)}: {ALL[version - 1]} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
