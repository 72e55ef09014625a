"""Forgetting a client: everything of theirs gone, down to the bytes of the file and its WAL."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from companion.core.models import (
    Action,
    Agreement,
    Client,
    Engagement,
    Goal,
    RecapEdit,
    Session,
)
from companion.store import NotFound, Store, StoreError
from companion.store.erase import client_footprint, forget_client
from companion.store.schema import SEARCHABLE

# Words that exist nowhere but in the forgotten client's records.
SECRETS = {
    "name": "Zebedee Quixotic",
    "contact": "zebedee.secret@hidden.example",
    "sponsor": "Sponsorina Vexhollow",
    "objective": "Objectivum Wrenfeather",
    "goal": "Goalwort Plinthmoss",
    "topic": "Topicalia Marrowdew",
    "outcome": "Outcomeria Thistlewane",
    "notes": "Notabilia Grimsquall confided about Brackenwhistle",
    "private": "Privatissimo Oakenshade",
    "action": "Actionable Fennimore",
    "takeaway": "Takeawayish Dunsworth",
    "recap": "Recapitula Moorgrave",
}
KEEPER = "Keeperton Lumbridge"
KEEPER_WORD = "marmalade"


def _client(store: Store, name: str, contact: str, words: dict[str, str], when: datetime) -> int:
    client = store.add_client(Client(name=name, contact=contact))
    assert client.id is not None
    engagement = store.add_engagement(
        Engagement(
            client_id=client.id,
            sponsor_name=words["sponsor"],
            objective=words["objective"],
            start_date=date(2026, 9, 1),
        )
    )
    goal = store.add_goal(
        Goal(client_id=client.id, engagement_id=engagement.id, specific=words["goal"])
    )
    session = store.add_session(
        Session(
            client_id=client.id,
            engagement_id=engagement.id,
            protocol_id="grow",
            started_at=when,
            agreement=Agreement(topic=words["topic"], desired_outcome=words["outcome"]),
        )
    )
    assert session.id is not None and goal.id is not None
    store.enter_step(session.id, 0, "agreement", at=when)
    # Notes saved several times, as autosave does: old versions must not linger either.
    for draft in range(3):
        store.save_notes(session.id, f"{words['notes']} {draft}\n// {words['private']}\n")
    store.add_action(
        Action(client_id=client.id, session_id=session.id, text=words["action"], goal_id=goal.id)
    )
    store.set_goal_score(goal.id, session.id, 6)
    store.finish_session(session.id, ended_at=when.replace(hour=11), takeaways=[words["takeaway"]])
    store.save_recap_edit(RecapEdit(session_id=session.id, text=f"Recap: {words['recap']}"))
    return client.id


def _raw(db_path: Path) -> bytes:
    data = db_path.read_bytes()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


@pytest.fixture
def two_clients(store: Store) -> tuple[int, int]:
    forgotten = _client(
        store, SECRETS["name"], SECRETS["contact"], SECRETS, datetime(2026, 10, 1, 10, 0)
    )
    keeper_words = {key: f"{KEEPER_WORD} {key}" for key in SECRETS}
    kept = _client(store, KEEPER, "keeper@example.org", keeper_words, datetime(2026, 10, 2, 10))
    return forgotten, kept


def test_the_secrets_are_in_the_file_before(store: Store, db_path: Path, two_clients) -> None:
    """The byte scan can fail: before forgetting, the words are there to be found."""
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = _raw(db_path)
    assert all(word.split()[0].encode() in raw for word in SECRETS.values())


def test_forget_leaves_no_byte_of_their_text(store: Store, db_path: Path, two_clients) -> None:
    forgotten, _kept = two_clients
    summary = forget_client(store, forgotten)
    assert summary.wiped
    assert summary.client.name == SECRETS["name"]
    assert summary.removed == {
        "engagements": 1,
        "goals": 1,
        "sessions": 1,
        "actions": 1,
        "goal_scores": 1,
        "takeaways": 1,
        "recap_edits": 1,
    }
    raw = _raw(db_path)
    for word in " ".join(SECRETS.values()).split():
        assert word.encode() not in raw, word
        assert word.lower().encode() not in raw, word  # FTS tokens are stored folded
    # Checked again after closing: nothing is written back on close either.
    store.close()
    raw = _raw(db_path)
    assert not any(word.lower().encode() in raw.lower() for word in SECRETS["notes"].split()[:2])


def test_forget_keeps_the_other_client_whole_and_searchable(store: Store, two_clients) -> None:
    forgotten, kept = two_clients
    before = client_footprint(store, kept)
    forget_client(store, forgotten)
    with pytest.raises(NotFound):
        store.get_client(forgotten)
    assert [c.name for c in store.clients()] == [KEEPER]
    assert client_footprint(store, kept) == before
    kinds = {hit.kind for hit in store.search(KEEPER_WORD)}
    assert kinds == {"notes", "agreement", "action", "takeaway", "goal", "contract"}
    assert store.search("Brackenwhistle") == []
    for table in SEARCHABLE:  # every index still agrees with its table
        store.db.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')")
    for table in ("engagements", "goals", "sessions", "notes", "step_timings", "actions"):
        rows = store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert rows >= 1, table
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_forget_an_unknown_client_id(store: Store) -> None:
    with pytest.raises(NotFound):
        forget_client(store, 999)


def test_forget_in_memory_practice() -> None:
    store = Store.memory()
    client = store.add_client(Client(name="Solo"))
    assert client.id is not None
    summary = forget_client(store, client.id)
    assert summary.wiped and store.clients() == []


def test_forget_refuses_while_another_program_reads(
    store: Store, db_path: Path, two_clients
) -> None:
    """A reader elsewhere would keep old pages alive in the WAL: refuse, delete nothing."""
    forgotten, _kept = two_clients
    store.db.execute("PRAGMA busy_timeout = 50")  # don't wait the usual 10 s in a test
    reader = sqlite3.connect(db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM notes").fetchone()
        with pytest.raises(StoreError, match="another program"):
            forget_client(store, forgotten)
    finally:
        reader.close()
    assert store.get_client(forgotten).name == SECRETS["name"]
    assert forget_client(store, forgotten).wiped  # once the other program has let go
