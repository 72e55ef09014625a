"""The passphrase asked in the app (issue 13): after the first paint, again when wrong, and the
words typed into the notes meanwhile kept. Skipped without SQLCipher (pytest -ra says so)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from companion.core.protocols import ProtocolLibrary
from companion.core.terms import SessionStart
from companion.services import passphrase
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.factory import OpenHome, OpenReview, StartSession, build_app

pytest.importorskip(
    "sqlcipher3", reason="SQLCipher not installed: pip install '.[encryption]' to run these"
)

from companion.store.recrypt import rewrite
from companion.tui.dialogs.unlock import Unlock
from companion.tui.screens.live import LiveScreen

SECRET = "a long walk by the river"


@pytest.fixture
def encrypted(sample: Any, db_path: Path) -> Path:
    sample.store.close()
    rewrite(Store.open(db_path), "", SECRET)
    passphrase.forget_all()  # a new start: nothing known yet
    return db_path


async def _until(pilot: Any, done: Any, what: str) -> None:
    for _ in range(400):
        await pilot.pause()
        if done():
            return
    raise AssertionError(f"never: {what}")


async def _type(pilot: Any, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def _app(db_path: Path, protocols: ProtocolLibrary, typed: threading.Event) -> CompanionApp:
    def opener() -> Store:
        typed.wait(10)  # the coach types into the notes before the practice is opened
        return Store.open(db_path)

    return build_app(
        StartSession(SessionStart(client_name="Ana Lopez")),
        opener,
        lambda: protocols,
        autosave_seconds=0.01,
    )


def test_the_app_asks_again_when_wrong_and_keeps_what_was_typed(
    encrypted: Path, protocols: ProtocolLibrary
) -> None:
    async def main() -> None:
        typed = threading.Event()
        app = _app(encrypted, protocols, typed)
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, LiveScreen), "the first paint")
            await _type(pilot, "before unlocking")
            typed.set()
            await _until(pilot, lambda: isinstance(app.screen, Unlock), "the passphrase asked")
            await _type(pilot, "not it")
            await pilot.press("enter")
            await _until(
                pilot,
                lambda: isinstance(app.screen, Unlock) and app.screen.problem,
                "asked again",
            )
            assert "does not open it" in str(app.screen.query_one("#unlock-problem").content)
            await _type(pilot, SECRET)
            await pilot.press("enter")
            await _until(
                pilot,
                lambda: isinstance(app.screen, LiveScreen) and app.screen.loaded,
                "the live screen loaded",
            )
            screen = app.screen
            assert isinstance(screen, LiveScreen)
            assert "before unlocking" in screen.notes.text
            await _until(pilot, lambda: screen.all_saved, "the notes saved")
            assert app.store.encrypted
            session_id = screen.session_id
            assert session_id is not None
            assert "before unlocking" in app.store.get_notes(session_id).text
            await pilot.press("ctrl+q")
            await app.workers.wait_for_complete()

    asyncio.run(main())


def test_escape_on_the_passphrase_closes_in_one_line(
    encrypted: Path, protocols: ProtocolLibrary
) -> None:
    async def main() -> CompanionApp:
        typed = threading.Event()
        typed.set()
        app = _app(encrypted, protocols, typed)
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, Unlock), "the passphrase asked")
            await pilot.press("escape")
            await _until(pilot, lambda: app.failure is not None, "the app gave up")
        return app

    app = asyncio.run(main())
    assert app.failure is not None
    assert "encrypted and no passphrase was given" in app.failure


def test_a_passphrase_from_the_environment_is_not_asked(
    encrypted: Path, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_PASSPHRASE", "wrong one")

    async def main() -> CompanionApp:
        typed = threading.Event()
        typed.set()
        app = _app(encrypted, protocols, typed)
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: app.failure is not None, "the app gave up")
            assert not isinstance(app.screen, Unlock)
        return app

    app = asyncio.run(main())
    assert app.failure is not None and "the passphrase does not open it" in app.failure


@pytest.mark.parametrize("start_with", ["home", "review"])
def test_home_and_review_ask_on_screen(
    encrypted: Path, protocols: ProtocolLibrary, start_with: str
) -> None:
    from companion.tui.screens.home import HomeScreen
    from companion.tui.screens.review import ReviewScreen

    wanted = HomeScreen if start_with == "home" else ReviewScreen

    async def main() -> None:
        app = build_app(
            OpenHome() if start_with == "home" else OpenReview(),
            lambda: Store.open(encrypted),
            protocols,
        )
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, Unlock), "the passphrase asked")
            await _type(pilot, SECRET)
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, wanted), start_with)
            assert app.store.encrypted and app.store.find_client("Ana Lopez") is not None
            await pilot.press("ctrl+q")

    asyncio.run(main())


def test_review_of_one_client_asks_on_screen_then_opens_the_timeline(
    encrypted: Path, protocols: ProtocolLibrary
) -> None:
    """`review --client NAME`: the name is looked up after unlocking in the app, not before it
    starts (which would ask in the terminal)."""
    from companion.cli.browse import review_app
    from companion.cli.common import Practice
    from companion.tui.screens.review_timeline import TimelineScreen

    async def main() -> None:
        app = review_app(Practice(db_path=str(encrypted), _protocols=protocols), "ana lopez")
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: isinstance(app.screen, Unlock), "the passphrase asked")
            await _type(pilot, SECRET)
            await pilot.press("enter")
            await _until(pilot, lambda: isinstance(app.screen, TimelineScreen), "the timeline")
            ana = app.store.find_client("Ana Lopez")
            assert ana is not None and app.screen.client_id == ana.id
            await pilot.press("ctrl+q")

    asyncio.run(main())


def test_a_full_disk_beside_an_encrypted_practice_sets_nothing_aside(
    encrypted: Path, protocols: ProtocolLibrary
) -> None:
    """No rescue file (the notes in plain text) beside an encrypted practice: the banner says so
    and the words stay in the window."""
    from test_disk_full import WORDS, banner_text, free_and_retry, opened, type_words
    from test_live import Clock, live_app, new_session

    from companion.services.rescue import find_rescues

    passphrase.opened_with(encrypted, SECRET)
    store = Store.open(encrypted)
    session = new_session(store, protocols, "Ana Lopez")

    async def main() -> None:
        app = live_app(store, protocols, session, Clock())
        async with app.run_test(size=(100, 30)) as pilot:
            screen, disk = await opened(pilot, app, store)
            disk.full = True
            await type_words(pilot, app, screen, WORDS)
            shown = banner_text(screen)
            assert "the disk is full" in shown
            assert "no rescue file: the practice is encrypted" in shown
            assert find_rescues(encrypted) == []
            assert WORDS in screen.notes.text
            await free_and_retry(pilot, app, screen, disk)
            assert session.id is not None
            assert WORDS in store.get_notes(session.id).text
            await pilot.press("ctrl+q")

    asyncio.run(main())
    store.close()
    assert WORDS.split()[0].encode() not in encrypted.read_bytes()
