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

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui import saving


@sync
async def test_saved_shows_after_the_notes_stay_saved(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(saving, "SAVED_SIGN_SECONDS", 3600.0)  # the test fires it
    session = new_session(store, protocols, "Sam")
    app = live_app(store, protocols, session, Clock())
    app.autosave_seconds = 3600.0  # saves when the test says
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        screen = live(app)
        screen.save_now()
        await settle_saved(pilot, app)
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
