"""Loading everything stored about one session into a SessionRecord."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from companion.core.models import Action, SessionRecord
from companion.services.practice import begin_session
from companion.store import NotFound
from companion.store.records import load_session_record


def test_wrong_id_is_not_found(sample) -> None:
    with pytest.raises(NotFound, match="no session with id 999"):
        load_session_record(sample.store, 999)


def test_sample_record_holds_everything(sample) -> None:
    record = load_session_record(sample.store, sample.first_session.id)
    assert record.session == sample.first_session
    assert record.client == sample.client
    assert record.engagement == sample.engagement
    assert record.protocol is not None and record.protocol.id == "grow"
    assert record.session_number == 1
    assert "// seems tired" in record.notes.text
    assert [a.text for a in record.actions_set] == ["Draft the meeting opening"]
    assert record.actions_reviewed == []
    assert [t.text for t in record.takeaways] == ["I know how I want to start"]
    [progress] = record.goals
    assert progress.goal == sample.goal
    assert (progress.score, progress.previous_score, progress.last_score) == (4, None, 4)
    assert record.is_finished
    # The record survives a JSON round trip (what `companion show --json` prints).
    assert SessionRecord.model_validate_json(record.model_dump_json()) == record


def test_second_session_sees_follow_ups_scores_and_timings(sample, protocols) -> None:
    store = sample.store
    second = begin_session(store, protocols, "Ana Lopez")
    assert second.id is not None
    store.enter_step(second.id, 0, "agreement", at=datetime(2030, 1, 1, 10, 0))
    store.enter_step(second.id, 2, "goal", at=datetime(2030, 1, 1, 10, 6))
    store.set_action_status(sample.action.id, "done", reviewed_in=second.id)  # type: ignore[arg-type]
    store.set_goal_score(sample.goal.id, second.id, 7)  # type: ignore[arg-type]
    new = store.add_action(Action(client_id=sample.client.id, session_id=second.id, text="Next"))  # type: ignore[arg-type]

    record = load_session_record(store, second.id)
    assert record.session_number == 2
    assert not record.is_finished
    assert [a.id for a in record.actions_reviewed] == [sample.action.id]
    assert record.actions_reviewed[0].status == "done"
    assert [a.id for a in record.actions_set] == [new.id]
    [progress] = record.goals
    assert (progress.score, progress.previous_score, progress.last_score) == (7, 4, 7)
    assert progress.change == 3
    assert [s.score for s in progress.scores] == [4, 7]
    assert [t.step_id for t in record.step_timings] == ["agreement", "goal"]

    # Seen from the first session: its last score is its own, as of then, never a later one
    # (one definition for the sidebar, the closing screen and the recap: store.progress).
    first = load_session_record(store, sample.first_session.id)
    [progress] = first.goals
    assert (progress.score, progress.previous_score, progress.last_score) == (4, None, 4)
    assert [s.score for s in progress.scores] == [4, 7]  # the history still has them all


def test_unscored_goal_takes_the_score_before_the_session(sample, protocols) -> None:
    store = sample.store
    second = begin_session(store, protocols, "Ana Lopez")
    record = load_session_record(store, second.id)  # type: ignore[arg-type]
    [progress] = record.goals
    assert (progress.score, progress.previous_score, progress.last_score) == (None, 4, 4)
    assert progress.change is None


def test_unreadable_protocol_snapshot_gives_no_protocol(sample) -> None:
    store = sample.store
    broken = sample.first_session.model_copy(update={"protocol_snapshot": "{not json"})
    store.save_session(broken)
    assert load_session_record(store, sample.first_session.id).protocol is None
    store.save_session(broken.model_copy(update={"protocol_snapshot": ""}))
    assert load_session_record(store, sample.first_session.id).protocol is None


def test_next_session_date_is_kept(sample) -> None:
    store = sample.store
    store.save_session(
        sample.first_session.model_copy(update={"next_session_on": date(2027, 1, 5)})
    )
    record = load_session_record(store, sample.first_session.id)
    assert record.session.next_session_on == date(2027, 1, 5)
