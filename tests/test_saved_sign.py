"""The notes' border says "saved" once the notes have stayed saved a moment: while the coach
types on it keeps "saving…" (no flicker, no repaint of the whole pane at each autosave); a
failure shows at once."""

from __future__ import annotations

import pytest
from test_live import (
    Clock,
    live,
    live_app,
    new_session,
    settle_loaded,
    settle_saved,
    sync,
    type_text,
)
from textual.pilot import Pilot

from companion.core.models import Session
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui import saving
from companion.tui.app import CompanionApp
from companion.tui.screens.live import LiveScreen


def saving_when_told(store: Store, protocols: ProtocolLibrary) -> tuple[Session, CompanionApp]:
    """Sam's live session, its notes saved only when the test says."""
    session = new_session(store, protocols, "Sam")
    app = live_app(store, protocols, session, Clock())
    app.autosave_seconds = 3600.0
    return session, app


async def first_saved(pilot: Pilot[None], app: CompanionApp) -> LiveScreen:
    """The live screen once open and its notes saved a first time."""
    await settle_loaded(pilot, app)
    screen = live(app)
    screen.save_now()
    await settle_saved(pilot, app)
    return screen


@sync
async def test_saved_shows_after_the_notes_stay_saved(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saving, "SAVED_SIGN_SECONDS", 3600.0)  # the test fires it
    session, app = saving_when_told(store, protocols)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await first_saved(pilot, app)
        titles: list[str] = []
        screen.watch(screen, "save_state", lambda _: titles.append(str(screen.notes.border_title)))
        for word in ("first", "second", "third"):  # typing on, an autosave after each word
            await type_text(pilot, f"{word} ")
            screen.save_now()
            await settle_saved(pilot, app)
            assert screen.save_state == "saved"
            assert screen.notes.border_title == "Notes · saving…"  # not yet: typing goes on
        assert set(titles) == {"Notes · saving…"}  # the border never flipped
        assert "third" in store.get_notes(session.id).text  # type: ignore[arg-type]
        assert screen._saved_sign is not None  # what the pause fires:
        screen._sign_saved()
        assert screen.notes.border_title == "Notes · saved"


@sync
async def test_typing_and_saving_repaint_what_changed_not_the_whole_screen(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save state lives on the screen as a `var`: a reactive of the screen repainted every
    pane at each save and at the first key after one (a full frame the key waited for)."""
    from textual._compositor import Compositor

    _, app = saving_when_told(store, protocols)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await first_saved(pilot, app)
        full = Compositor.render_full_update
        frames: list[str] = []

        def counted(self: Compositor, *args: object, **kwargs: object) -> object:
            frames.append("full")
            return full(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Compositor, "render_full_update", counted)
        for word in ("first", "second"):
            await type_text(pilot, f"{word} ")  # the first key after a save: "saving…"
            screen.save_now()
            await settle_saved(pilot, app)
        screen._sign_saved()  # and back to "saved"
        await pilot.pause()
        assert screen.notes.border_title == "Notes · saved"
        assert frames == []
