"""Shared fixtures: every test gets its own practice database and config folders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from companion.core.models import Action, Agreement, Client, Engagement, Goal, Session
from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the real user folders, database and clipboard."""
    db_path = tmp_path / "practice.db"
    monkeypatch.setenv("COMPANION_DB", str(db_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    # Never the coach's real keyring, nor a passphrase from the shell or an earlier test.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("COMPANION_PASSPHRASE", raising=False)
    monkeypatch.delenv("COMPANION_NEW_PASSPHRASE", raising=False)
    from companion.services import passphrase

    passphrase.forget_all()
    return db_path


@pytest.fixture
def db_path(isolated_env: Path) -> Path:
    return isolated_env


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = Store.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def protocols() -> ProtocolLibrary:
    return ProtocolLibrary.discover(include_user=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@dataclass
class SamplePractice:
    """One client with a three-party engagement, a goal, a finished session and an open action."""

    store: Store
    client: Client
    engagement: Engagement
    goal: Goal
    first_session: Session
    action: Action


@pytest.fixture
def sample(store: Store, protocols: ProtocolLibrary) -> SamplePractice:
    client = store.add_client(Client(name="Ana Lopez", contact="ana@example.org"))
    assert client.id is not None
    engagement = store.add_engagement(
        Engagement(
            client_id=client.id,
            sponsor_name="Marc Dubois",
            sponsor_role="Head of HR",
            start_date=date(2026, 9, 1),
            sessions_planned=6,
            confidentiality="Content stays between coach and coachee; the sponsor hears progress.",
            objective="Step into the team-lead role with confidence",
        )
    )
    goal = store.add_goal(
        Goal(
            client_id=client.id,
            engagement_id=engagement.id,
            specific="Lead the weekly team meeting without notes",
            measurable="Three meetings in a row, feedback from two colleagues",
            achievable="Has led smaller meetings before",
            realistic="The team meets weekly; the manager supports it",
            timely=date(2027, 1, 31),
            ecological="Keeps evenings free for family",
        )
    )
    session = begin_session(store, protocols, client.name, protocol_id="grow")
    assert session.id is not None
    session = store.save_session(
        session.model_copy(
            update={
                "agreement": Agreement(
                    topic="Preparing Monday's meeting",
                    desired_outcome="A plan for the opening",
                    measure_of_success="Knows the first three sentences",
                )
            }
        )
    )
    store.save_notes(session.id, "## Goal\nWants to open the meeting calmly.\n// seems tired\n")
    action = store.add_action(
        Action(
            client_id=client.id,
            session_id=session.id,
            text="Draft the meeting opening",
            due_on=date(2026, 11, 20),
            goal_id=goal.id,
        )
    )
    store.set_goal_score(goal.id, session.id, 4)  # type: ignore[arg-type]
    finished = store.finish_session(session.id, takeaways=["I know how I want to start"])
    return SamplePractice(store, client, engagement, goal, finished, action)


@pytest.fixture(autouse=True)
def saved_sign_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes' border says "saved" as soon as they are (the app waits a moment: see
    tui.saving.SAVED_SIGN_SECONDS; tests/test_saved_sign.py shows the wait)."""
    from companion.tui import saving

    monkeypatch.setattr(saving, "SAVED_SIGN_SECONDS", 0.0)


@pytest.fixture(autouse=True)
def questions_answer_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question's answer key counts at once (the app waits for a pause in typing, and for no
    text after the key: see tui.dialogs.question; tests/test_new_client_typing.py shows both)."""
    from companion.tui.dialogs import question

    monkeypatch.setattr(question, "PAUSE_SECONDS", 0.0)
    monkeypatch.setattr(question, "SETTLE_SECONDS", 0.0)
