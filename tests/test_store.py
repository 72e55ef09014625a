"""The practice database: every record round-trips, errors are clear, the file is private."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import date, datetime
from pathlib import Path

import pytest

from companion.core.models import (
    Action,
    Agreement,
    Client,
    Engagement,
    Goal,
    Session,
    Takeaway,
)
from companion.core.protocols import ProtocolLibrary
from companion.store import NotFound, Store, StoreError, default_db_path, resolve_db_path

T0 = datetime(2026, 11, 2, 10, 0, 0)


@pytest.fixture
def client(store: Store) -> Client:
    return store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))


@pytest.fixture
def session(store: Store, client: Client) -> Session:
    assert client.id is not None
    return store.add_session(Session(client_id=client.id, protocol_id="grow", started_at=T0))


# -- round trips ----------------------------------------------------------------------------


def test_client_round_trip(store: Store) -> None:
    added = store.add_client(Client(name="  Ana Lopez ", contact="ana@example.org"))
    assert added.id is not None
    assert added.name == "Ana Lopez"
    assert store.get_client(added.id) == added
    assert store.find_client("ana lopez") == added
    assert store.client_named("ANA LOPEZ") == added
    assert store.clients() == [added]

    renamed = store.save_client(added.model_copy(update={"contact": "+33 6 12 34 56 78"}))
    assert store.get_client(added.id) == renamed
    assert store.get_client(added.id).contact == "+33 6 12 34 56 78"


def test_clients_are_listed_by_name_ignoring_case(store: Store) -> None:
    for name in ["zoe", "Bruno", "anna"]:
        store.add_client(Client(name=name))
    assert [c.name for c in store.clients()] == ["anna", "Bruno", "zoe"]


def test_get_or_create_client(store: Store) -> None:
    created, was_new = store.get_or_create_client("Ana")
    again, again_new = store.get_or_create_client("ANA")
    assert was_new and not again_new
    assert again == created


def test_engagement_round_trip_with_three_party_fields(store: Store, client: Client) -> None:
    assert client.id is not None
    engagement = Engagement(
        client_id=client.id,
        sponsor_name="Marc Dubois",
        sponsor_role="Head of HR",
        start_date=date(2026, 9, 1),
        end_date=date(2027, 3, 1),
        sessions_planned=6,
        confidentiality="Content stays between coach and coachee; the sponsor hears progress.",
        billing="pro_bono",
        format="group",
        group_size=4,
        objective="Step into the team-lead role with confidence",
    )
    added = store.add_engagement(engagement)
    assert added.id is not None
    loaded = store.get_engagement(added.id)
    assert loaded == added
    assert loaded.is_three_party
    assert loaded.model_dump(exclude={"id"}) == engagement.model_dump(exclude={"id"})

    closed = store.save_engagement(loaded.model_copy(update={"status": "closed"}))
    assert store.get_engagement(added.id) == closed
    assert store.open_engagement(client.id) is None
    assert store.engagements(client.id) == [closed]

    fresh = store.ensure_open_engagement(client.id)
    assert fresh.id != closed.id and fresh.status == "open" and not fresh.is_three_party
    assert store.ensure_open_engagement(client.id) == fresh


def test_goal_round_trip_smarte_and_status(store: Store, client: Client) -> None:
    assert client.id is not None
    engagement = store.ensure_open_engagement(client.id)
    goal = Goal(
        client_id=client.id,
        engagement_id=engagement.id,
        specific="Lead the weekly team meeting without notes",
        measurable="Three meetings in a row, feedback from two colleagues",
        achievable="Has led smaller meetings before",
        realistic="The team meets weekly; the manager supports it",
        timely=date(2027, 1, 31),
        ecological="Keeps evenings free for family",
    )
    added = store.add_goal(goal)
    assert added.id is not None
    assert store.get_goal(added.id) == added
    assert added.status == "active"

    for status in ("achieved", "adjusted", "dropped", "active"):
        saved = store.save_goal(store.get_goal(added.id).model_copy(update={"status": status}))
        assert store.get_goal(added.id) == saved
        assert saved.status == status

    achieved = store.save_goal(added.model_copy(update={"status": "achieved"}))
    other = store.save_goal(Goal(client_id=client.id, specific="Run a half-marathon"))
    assert other.id is not None and other.id != added.id
    assert store.goals(client.id) == [achieved, other]
    assert store.goals(client.id, status="active") == [other]


def test_session_round_trip(store: Store, client: Client) -> None:
    assert client.id is not None
    engagement = store.ensure_open_engagement(client.id)
    session = Session(
        client_id=client.id,
        engagement_id=engagement.id,
        protocol_id="grow",
        protocol_snapshot='{"id": "grow"}',
        planned_minutes=45,
        mode="in-person",
        started_at=T0,
        agreement=Agreement(
            topic="Preparing Monday's meeting",
            desired_outcome="A plan for the opening",
            measure_of_success="Knows the first three sentences",
        ),
        next_session_on=date(2026, 11, 16),
    )
    added = store.add_session(session)
    assert added.id is not None
    assert store.get_session(added.id) == added
    assert added.model_dump(exclude={"id"}) == session.model_dump(exclude={"id"})
    assert not added.is_finished

    ended = store.save_session(
        added.model_copy(update={"ended_at": datetime(2026, 11, 2, 10, 50), "mode": "phone"})
    )
    loaded = store.get_session(added.id)
    assert loaded == ended
    assert loaded.ended_at == datetime(2026, 11, 2, 10, 50)
    assert loaded.duration_minutes == 50
    assert loaded.agreement.measure_of_success == "Knows the first three sentences"


def test_sessions_listing_newest_first_and_filters(store: Store, client: Client) -> None:
    assert client.id is not None
    older = store.add_session(Session(client_id=client.id, protocol_id="first", started_at=T0))
    newer = store.add_session(
        Session(client_id=client.id, protocol_id="grow", started_at=datetime(2026, 11, 16, 9))
    )
    assert [s.id for s in store.sessions(client.id)] == [newer.id, older.id]
    assert [s.id for s in store.sessions(client.id, since=date(2026, 11, 10))] == [newer.id]
    assert [s.id for s in store.sessions(client.id, until=date(2026, 11, 2))] == [older.id]
    assert store.sessions(client.id, finished=True) == []
    assert [s.id for s in store.unfinished_sessions(client.id)] == [newer.id, older.id]
    assert store.session_number(older) == 1
    assert store.session_number(newer) == 2
    assert store.previous_session(newer) == older
    assert store.previous_session(older) is None


def test_the_session_listing_streams_without_protocols(store: Store, client: Client) -> None:
    assert client.id is not None
    other = store.add_client(Client(name="Ben Okafor"))
    assert other.id is not None
    for day, who in ((2, client.id), (9, other.id), (16, client.id)):
        store.add_session(
            Session(
                client_id=who,
                protocol_id="grow",
                protocol_snapshot='{"id": "grow"}',
                started_at=datetime(2026, 11, day, 9),
            )
        )
    listing = store.session_listing()
    assert not isinstance(listing, list)  # one at a time
    listed = list(listing)
    full = store.sessions()
    assert [s.id for s in listed] == [s.id for s in full]
    assert all(s.protocol_snapshot == "" for s in listed)  # not read
    assert [s.model_copy(update={"protocol_snapshot": ""}) for s in full] == listed
    assert [s.id for s in store.session_listing(client.id, since=date(2026, 11, 10))] == [
        full[0].id
    ]


def test_sessions_started_in_the_same_second_keep_their_order(store: Store, client: Client) -> None:
    assert client.id is not None
    first = store.add_session(Session(client_id=client.id, protocol_id="first", started_at=T0))
    second = store.add_session(Session(client_id=client.id, protocol_id="grow", started_at=T0))
    assert store.previous_session(first) is None
    assert store.previous_session(second) == first
    assert (store.session_number(first), store.session_number(second)) == (1, 2)
    assert [s.id for s in store.sessions(client.id)] == [second.id, first.id]


def test_notes_round_trip(store: Store, session: Session) -> None:
    assert session.id is not None
    assert store.get_notes(session.id).text == ""  # every session starts with empty notes
    text = "## Goal\nWants to open the meeting calmly.\n// seems tired\n- [ ] draft the opening ✓"
    saved = store.save_notes(session.id, text)
    loaded = store.get_notes(session.id)
    assert loaded.text == text
    assert loaded == saved
    store.save_notes(session.id, text + "\nmore")
    assert store.get_notes(session.id).text == text + "\nmore"
    assert store.db["notes"].count == 1  # one notes record per session, overwritten


def test_step_timings_via_enter_step(store: Store, session: Session) -> None:
    assert session.id is not None
    first = store.enter_step(session.id, 0, "agreement", at=T0)
    second = store.enter_step(session.id, 1, "goal", at=datetime(2026, 11, 2, 10, 5))
    assert first.id is not None and second.id is not None
    timings = store.step_timings(session.id)
    assert [(t.step_index, t.step_id) for t in timings] == [(0, "agreement"), (1, "goal")]
    assert timings[0].entered_at == T0
    assert timings[0].left_at == datetime(2026, 11, 2, 10, 5)  # leaving is recorded too
    assert timings[0].seconds == 300
    assert timings[1].left_at is None and timings[1].seconds is None
    assert store.get_session(session.id).current_step == 1


def test_action_round_trip(store: Store, client: Client, session: Session) -> None:
    assert client.id is not None and session.id is not None
    goal = store.add_goal(Goal(client_id=client.id, specific="Lead the meeting"))
    later = store.add_session(
        Session(client_id=client.id, protocol_id="grow", started_at=datetime(2026, 11, 16, 9))
    )
    action = Action(
        client_id=client.id,
        session_id=session.id,
        text="  Draft the meeting opening ",
        owner="coach",
        due_on=date(2026, 11, 9),
        goal_id=goal.id,
    )
    added = store.add_action(action)
    assert added.id is not None
    assert added.text == "Draft the meeting opening"
    assert store.get_action(added.id) == added

    assert [a.id for a in store.actions_to_review(later)] == [added.id]
    done = store.set_action_status(added.id, "done", reviewed_in=later.id)
    loaded = store.get_action(added.id)
    assert loaded == done
    assert loaded.status == "done"
    assert loaded.reviewed_session_id == later.id
    assert loaded.closed_at is not None
    assert [a.id for a in store.actions_to_review(later)] == [added.id]  # reviewed here

    reopened = store.set_action_status(added.id, "open", due_on=date(2026, 11, 30))
    assert reopened.closed_at is None and reopened.due_on == date(2026, 11, 30)
    dropped = store.set_action_status(added.id, "dropped")
    assert store.get_action(added.id) == dropped

    other = store.save_action(Action(client_id=client.id, text="Ask two colleagues"))
    assert other.id is not None
    assert [a.id for a in store.actions(client.id)] == [added.id, other.id]  # undated last
    assert [a.id for a in store.actions(client.id, status="open")] == [other.id]
    assert [a.id for a in store.actions(session_id=session.id)] == [added.id]


def test_overdue_actions(store: Store, client: Client) -> None:
    assert client.id is not None
    late = store.add_action(Action(client_id=client.id, text="Late", due_on=date(2026, 11, 1)))
    store.add_action(Action(client_id=client.id, text="Not yet", due_on=date(2026, 12, 1)))
    store.add_action(Action(client_id=client.id, text="Whenever"))
    assert store.actions(client.id, overdue_on=date(2026, 11, 25)) == [late]


def test_goal_scores_one_per_goal_per_session(store: Store, client: Client) -> None:
    assert client.id is not None
    goal = store.add_goal(Goal(client_id=client.id, specific="Sleep eight hours"))
    assert goal.id is not None
    first = store.add_session(Session(client_id=client.id, protocol_id="grow", started_at=T0))
    second = store.add_session(
        Session(client_id=client.id, protocol_id="grow", started_at=datetime(2026, 11, 16))
    )
    assert first.id is not None and second.id is not None

    score = store.set_goal_score(goal.id, first.id, 3)
    assert score.id is not None and score.score == 3
    again = store.set_goal_score(goal.id, first.id, 5)  # the coach corrects it: an upsert
    assert again.id == score.id and again.score == 5
    store.set_goal_score(goal.id, second.id, 7)

    scores = store.goal_scores(goal_id=goal.id)
    assert [(s.session_id, s.score) for s in scores] == [(first.id, 5), (second.id, 7)]
    assert store.goal_scores(session_id=first.id) == [again]
    last = store.last_score(goal.id)
    assert last is not None and last.score == 7
    assert store.db["goal_scores"].count == 2


def test_takeaways_round_trip(store: Store, session: Session) -> None:
    assert session.id is not None
    added = store.add_takeaway(Takeaway(session_id=session.id, text="I can say no kindly"))
    assert store.takeaways(session.id) == [added]
    replaced = store.replace_takeaways(session.id, ["First", "  ", "Second"])
    assert [t.text for t in replaced] == ["First", "Second"]
    assert store.takeaways(session.id) == replaced


def test_finish_session_saves_everything_at_once(store: Store, client: Client) -> None:
    assert client.id is not None
    goal = store.add_goal(Goal(client_id=client.id, specific="Speak up in meetings"))
    session = store.add_session(Session(client_id=client.id, protocol_id="grow", started_at=T0))
    assert session.id is not None and goal.id is not None
    store.enter_step(session.id, 0, "agreement", at=T0)
    end = datetime(2026, 11, 2, 11, 0)
    finished = store.finish_session(
        session.id,
        ended_at=end,
        actions=[Action(client_id=client.id, text="Say one thing in Monday's meeting")],
        scores={goal.id: 6},
        takeaways=["Speaking first is easier"],
        next_session_on=date(2026, 11, 16),
    )
    assert finished == store.get_session(session.id)
    assert finished.ended_at == end and finished.next_session_on == date(2026, 11, 16)
    assert [a.session_id for a in store.actions(client.id)] == [session.id]
    assert [s.score for s in store.goal_scores(session_id=session.id)] == [6]
    assert [t.text for t in store.takeaways(session.id)] == ["Speaking first is easier"]
    assert store.step_timings(session.id)[0].left_at == end


def test_finish_session_is_all_or_nothing(store: Store, client: Client) -> None:
    assert client.id is not None
    session = store.add_session(Session(client_id=client.id, protocol_id="grow", started_at=T0))
    assert session.id is not None
    with pytest.raises(StoreError):
        store.finish_session(
            session.id,
            actions=[Action(client_id=client.id, text="Kept?")],
            scores={9999: 5},  # no such goal
            takeaways=["Kept?"],
        )
    assert store.actions(client.id) == []
    assert store.takeaways(session.id) == []
    assert not store.get_session(session.id).is_finished


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "what"),
    [
        ("get_client", "client"),
        ("get_engagement", "engagement"),
        ("get_goal", "goal"),
        ("get_session", "session"),
        ("get_action", "action"),
        ("get_notes", "session"),
    ],
)
def test_not_found_names_the_record(store: Store, method: str, what: str) -> None:
    with pytest.raises(NotFound, match=f"^no {what} with id 42$"):
        getattr(store, method)(42)


def test_not_found_on_save_and_by_name(store: Store) -> None:
    with pytest.raises(NotFound, match="no client called 'Nobody'"):
        store.client_named("Nobody")
    with pytest.raises(NotFound, match="no session with id 7"):
        store.save_notes(7, "words")
    with pytest.raises(NotFound, match="no action with id 5"):
        store.set_action_status(5, "done")
    with pytest.raises(NotFound, match="no client with id 3"):
        store.save_client(Client(id=3, name="Ghost"))
    with pytest.raises(NotFound, match="no client with id 3"):
        store.delete_client(3)
    with pytest.raises(StoreError, match="never saved"):
        store.save_session(Session(client_id=1, protocol_id="grow"))
    assert store.find_client("Nobody") is None


def test_client_names_are_unique_ignoring_case(store: Store, client: Client) -> None:
    with pytest.raises(StoreError, match="already a client called 'Ana Lopez'"):
        store.add_client(Client(name="ana lopez"))
    other = store.add_client(Client(name="Bruno"))
    with pytest.raises(StoreError, match="already a client called 'Ana Lopez'"):
        store.save_client(other.model_copy(update={"name": "ANA LOPEZ"}))
    assert [c.name for c in store.clients()] == ["Ana Lopez", "Bruno"]
    # The database itself refuses a duplicate, whatever code writes it.
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO clients (name, created_at) VALUES ('ANA LOPEZ', '2026-11-25T10:00:00')"
        )


def test_foreign_keys_are_enforced(store: Store, client: Client) -> None:
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(StoreError, match="cannot save the action: it refers to"):
        store.add_action(Action(client_id=999, text="For nobody"))
    with pytest.raises(StoreError, match="cannot save the session"):
        store.add_session(Session(client_id=999, protocol_id="grow"))
    with pytest.raises(StoreError, match="cannot save the step timing"):
        store.enter_step(999, 0, "agreement")
    with pytest.raises(StoreError, match="cannot save the goal score"):
        store.set_goal_score(999, 999, 5)
    assert store.db["actions"].count == 0
    assert store.db["sessions"].count == 0


def test_deleting_a_client_deletes_their_records(store: Store, sample) -> None:
    other = store.add_client(Client(name="Bruno"))
    assert other.id is not None
    store.add_action(Action(client_id=other.id, text="Stays"))
    store.delete_client(sample.client.id)
    with pytest.raises(NotFound):
        store.get_client(sample.client.id)
    for table in [
        "engagements",
        "goals",
        "sessions",
        "notes",
        "step_timings",
        "goal_scores",
        "takeaways",
    ]:
        assert store.db[table].count == 0, table
    assert [a.text for a in store.actions()] == ["Stays"]
    assert store.search("meeting") == []  # nothing of theirs is searchable either


# -- the database file ----------------------------------------------------------------------


def test_new_database_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "practice.db"
    store = Store.open(path)
    try:
        store.add_client(Client(name="Ana"))
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()
        assert stat.S_IMODE(os.stat(wal).st_mode) == 0o600
    finally:
        store.close()


def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = Store.open(tmp_path / "open" / "practice.db")
        store.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "open").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "open" / "practice.db").st_mode) == 0o600


def test_an_existing_folder_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    Store.open(folder / "practice.db").close()
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o755
    assert stat.S_IMODE(os.stat(folder / "practice.db").st_mode) == 0o600


def test_reopening_keeps_the_records(db_path: Path) -> None:
    first = Store.open(db_path)
    first.add_client(Client(name="Ana"))
    first.close()
    second = Store.open(db_path)
    try:
        assert [c.name for c in second.clients()] == ["Ana"]
    finally:
        second.close()


def test_writes_are_committed_at_once(store: Store, session: Session, db_path: Path) -> None:
    """A second connection (or a crash) sees every saved word without closing the store."""
    assert session.id is not None
    store.save_notes(session.id, "never lose a word")
    other = sqlite3.connect(db_path)
    try:
        row = other.execute("SELECT text FROM notes WHERE session_id = ?", [session.id])
        assert row.fetchone() == ("never lose a word",)
    finally:
        other.close()


def test_the_store_can_be_used_from_a_worker_thread(store: Store, session: Session) -> None:
    assert session.id is not None
    errors: list[BaseException] = []

    def autosave(n: int) -> None:
        try:
            store.save_notes(session.id, f"version {n}")  # type: ignore[arg-type]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=autosave, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.get_notes(session.id).text.startswith("version ")


def test_path_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    assert resolve_db_path() == tmp_path / "env.db"
    monkeypatch.delenv("COMPANION_DB")
    assert resolve_db_path() == default_db_path()
    assert default_db_path() == tmp_path / "data" / "companion" / "companion.db"


def test_paths_may_start_with_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_db_path("~/coaching/practice.db") == tmp_path / "coaching" / "practice.db"
    monkeypatch.setenv("COMPANION_DB", "~/env.db")
    assert resolve_db_path() == tmp_path / "env.db"


def test_default_database_is_created_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMPANION_DB")
    store = Store.open()
    try:
        assert store.path == tmp_path / "data" / "companion" / "companion.db"
        assert store.path.exists()
        assert stat.S_IMODE(os.stat(store.path.parent).st_mode) == 0o700
    finally:
        store.close()


def test_env_variable_chooses_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_DB", str(tmp_path / "elsewhere" / "mine.db"))
    store = Store.open()
    store.close()
    assert store.path == tmp_path / "elsewhere" / "mine.db"
    assert store.path.exists()


@pytest.mark.parametrize("kind", ["directory", "under a file", "not a database"])
def test_unusable_database_paths_raise_a_store_error(tmp_path: Path, kind: str) -> None:
    blocker = tmp_path / "blocker"
    if kind == "directory":
        blocker.mkdir()
        path = blocker
    elif kind == "under a file":
        blocker.write_text("a file, not a folder")
        path = blocker / "practice.db"
    else:
        blocker.write_text("not sqlite at all " * 100)
        path = blocker
    with pytest.raises(StoreError, match="cannot open the practice database"):
        Store.open(path)


def test_memory_store_has_the_whole_schema() -> None:
    store = Store.memory()
    client = store.add_client(Client(name="Ana"))
    assert store.get_client(client.id) == client  # type: ignore[arg-type]
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_session_with_an_unusable_protocol_leaves_no_client_behind(
    protocols: ProtocolLibrary,
) -> None:
    from companion.core.errors import CompanionError
    from companion.services.practice import begin_session

    store = Store.memory()
    with pytest.raises(CompanionError):
        begin_session(store, protocols, "Nobody Yet", protocol_id="no-such-protocol")
    assert store.clients() == []
