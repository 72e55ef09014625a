"""A database made by the first schema version opens, migrates, and keeps every row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from companion.store import Store
from companion.store.schema import migrations

FIRST = "m001_tables"
ALL = [migration.name for migration in migrations.pending(Database(memory=True))]

# Rows as the first version wrote them: plain SQL values, dates as ISO text.
OLD_ROWS: dict[str, list[dict[str, object]]] = {
    "clients": [
        {"id": 1, "name": "Ana Lopez", "contact": "ana@example.org",
         "created_at": "2026-09-01T09:00:00"},
        {"id": 2, "name": "Bruno", "contact": "", "created_at": "2026-09-02T09:00:00"},
    ],
    "engagements": [
        {"id": 1, "client_id": 1, "sponsor_name": "Marc Dubois", "sponsor_role": "Head of HR",
         "start_date": "2026-09-01", "end_date": "2027-03-01", "sessions_planned": 6,
         "confidentiality": "Sponsor hears progress only", "billing": "pro_bono",
         "format": "individual", "group_size": None, "objective": "Lead the team",
         "status": "open"},
    ],
    "goals": [
        {"id": 1, "client_id": 1, "engagement_id": 1, "specific": "Lead the weekly meeting",
         "measurable": "Three in a row", "achievable": "Has done smaller ones",
         "realistic": "Manager supports it", "timely": "2027-01-31",
         "ecological": "Evenings stay free", "status": "adjusted",
         "created_at": "2026-09-01T09:30:00"},
    ],
    "sessions": [
        {"id": 1, "client_id": 1, "engagement_id": 1, "protocol_id": "grow",
         "protocol_snapshot": '{"id": "grow"}', "planned_minutes": 60, "mode": "phone",
         "started_at": "2026-09-08T10:00:00", "ended_at": "2026-09-08T11:00:00",
         "agreement_topic": "Delegation to the juniors",
         "agreement_desired_outcome": "One task to hand over",
         "agreement_measure_of_success": "Names the task and the person",
         "current_step": 6, "next_session_on": "2026-09-22"},
        {"id": 2, "client_id": 2, "engagement_id": None, "protocol_id": "first",
         "protocol_snapshot": "", "planned_minutes": 90, "mode": "video",
         "started_at": "2026-09-09T10:00:00", "ended_at": None,
         "agreement_topic": "", "agreement_desired_outcome": "",
         "agreement_measure_of_success": "", "current_step": 0, "next_session_on": None},
    ],
    "notes": [
        {"session_id": 1, "text": "## Reality\nFeels guilty about the marathon training.",
         "updated_at": "2026-09-08T11:00:00"},
        {"session_id": 2, "text": "", "updated_at": "2026-09-09T10:00:00"},
    ],
    "step_timings": [
        {"id": 1, "session_id": 1, "step_index": 0, "step_id": "agreement",
         "entered_at": "2026-09-08T10:00:00", "left_at": "2026-09-08T10:05:00"},
        {"id": 2, "session_id": 1, "step_index": 1, "step_id": "actions-review",
         "entered_at": "2026-09-08T10:05:00", "left_at": None},
    ],
    "actions": [
        {"id": 1, "client_id": 1, "session_id": 1, "reviewed_session_id": None,
         "text": "Hand the weekly report to Lea", "owner": "coachee", "due_on": "2026-09-20",
         "goal_id": 1, "status": "open", "created_at": "2026-09-08T10:50:00",
         "closed_at": None},
        {"id": 2, "client_id": 1, "session_id": 1, "reviewed_session_id": 1,
         "text": "Send the article on feedback", "owner": "coach", "due_on": None,
         "goal_id": None, "status": "done", "created_at": "2026-09-08T10:51:00",
         "closed_at": "2026-09-10T08:00:00"},
    ],
    "goal_scores": [
        {"id": 1, "goal_id": 1, "session_id": 1, "score": 4,
         "created_at": "2026-09-08T10:55:00"},
    ],
    "takeaways": [
        {"id": 1, "session_id": 1, "text": "Perfectionism is slowing the team down"},
    ],
}  # fmt: skip


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    """A practice file as the first release left it."""
    path = tmp_path / "old.db"
    db = Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db, stop_before=ALL[1])
    for table, rows in OLD_ROWS.items():
        for row in rows:
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
    db.conn.commit()
    db.close()
    return path


def test_the_first_migration_is_the_tables() -> None:
    assert ALL[0] == FIRST
    assert ALL[1] == "m002_full_text_search"


def test_the_old_database_is_really_at_the_first_version(old_database: Path) -> None:
    db = Database(old_database)
    try:
        assert [m.name for m in migrations.applied(db)] == [FIRST]
        assert not db["notes_fts"].exists()
    finally:
        db.close()


def test_every_row_is_intact_after_migrating(old_database: Path) -> None:
    store = Store.open(old_database)
    try:
        for table, rows in OLD_ROWS.items():
            pk = "session_id" if table == "notes" else "id"
            found = list(store.db[table].rows_where(order_by=pk))
            if table == "sessions":  # m005 added the time in session
                assert [row.pop("duration_seconds") for row in found] == [3600, None]
            if table == "engagements":  # m007 added the sponsor's contact and the log consent
                assert [(row.pop("sponsor_contact"), row.pop("log_consent")) for row in found] == [
                    ("", 1)
                ] * len(found)
            if table == "goals":  # m010 added the status day and the earlier version
                assert [(row.pop("status_on"), row.pop("adjusted_from")) for row in found] == [
                    (None, None)
                ] * len(found)
            assert found == rows, table

        # ...and every row reads back as a model.
        ana = store.get_client(1)
        assert ana.name == "Ana Lopez"
        assert store.find_client("bruno") is not None
        engagement = store.get_engagement(1)
        assert engagement.is_three_party and engagement.billing == "pro_bono"
        assert store.get_goal(1).timely == date(2027, 1, 31)
        assert store.get_goal(1).status == "adjusted"
        session = store.get_session(1)
        assert session.mode == "phone"
        assert session.agreement.topic == "Delegation to the juniors"
        assert session.ended_at == datetime(2026, 9, 8, 11, 0)
        assert session.next_session_on == date(2026, 9, 22)
        assert not store.get_session(2).is_finished
        assert "marathon" in store.get_notes(1).text
        assert [t.step_id for t in store.step_timings(1)] == ["agreement", "actions-review"]
        assert [a.owner for a in store.actions(1)] == ["coachee", "coach"]
        assert store.get_action(2).reviewed_session_id == 1
        assert [s.score for s in store.goal_scores(goal_id=1)] == [4]
        assert [t.text for t in store.takeaways(1)] == ["Perfectionism is slowing the team down"]
    finally:
        store.close()


def test_each_migration_is_recorded_once(old_database: Path) -> None:
    for _ in range(2):
        Store.open(old_database).close()
    db = Database(old_database)
    try:
        names = [row["name"] for row in db["_sqlite_migrations"].rows_where(order_by="rowid")]
        assert names == ALL
        assert migrations.pending(db) == []
    finally:
        db.close()


def test_old_text_is_searchable_after_migrating(old_database: Path) -> None:
    store = Store.open(old_database)
    try:
        kinds = {
            word: {hit.kind for hit in store.search(word)}
            for word in ["marathon", "delegation", "weekly", "perfectionism"]
        }
        assert kinds == {
            "marathon": {"notes"},
            "delegation": {"agreement"},
            "weekly": {"action", "goal"},  # the goal "Lead the weekly meeting" (m011)
            "perfectionism": {"takeaway"},
        }
        # ...and new writes after the migration are indexed by the triggers.
        store.save_notes(2, "First meeting: talked about sailing")
        assert [hit.session_id for hit in store.search("sailing")] == [2]
    finally:
        store.close()


def test_applying_migrations_twice_changes_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "twice.db")
    try:
        migrations.apply(db)
        schema = db.schema
        applied = [(m.name, m.applied_at) for m in migrations.applied(db)]
        migrations.apply(db)
        assert db.schema == schema
        assert [(m.name, m.applied_at) for m in migrations.applied(db)] == applied
        assert [name for name, _ in applied] == ALL
    finally:
        db.close()


def test_a_fresh_database_gets_every_migration(store: Store) -> None:
    assert [m.name for m in migrations.applied(store.db)] == ALL
    assert {"notes_fts", "sessions_fts", "actions_fts", "takeaways_fts"} <= set(
        store.db.table_names()
    )
