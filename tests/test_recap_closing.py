"""The closing screen and the live screen copy the recap in the coach's default form, and the
recap can be edited there before it is copied again."""

from __future__ import annotations

from pathlib import Path

import pyperclip
import pytest
from test_live import Clock, close_with_f10, live_app, new_session, settle, sync, type_text
from textual.widgets import TextArea

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.screens.recap_preview import RecapPreview


@pytest.fixture
def board(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    copied: list[str] = []
    monkeypatch.setattr(
        pyperclip, "determine_clipboard", lambda: (copied.append, lambda: copied[-1])
    )
    return copied


@pytest.fixture
def text_by_default(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "companion"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text('[recap]\nformat = "text"\n', encoding="utf-8")


@sync
async def test_the_closing_screen_copies_the_default_form_and_e_edits_it(
    store: Store, protocols: ProtocolLibrary, board: list[str], text_by_default: None
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await type_text(pilot, "! Small steps count\n// private hunch\n")
        await pilot.press("f8")  # the draft, in the default form too
        await settle(pilot, app)
        assert board[-1].startswith("Draft session recap — Ana")
        closed = await close_with_f10(pilot, app)
        assert board[-1].startswith("Session recap — Ana")  # plain text: no '#'
        assert "- Small steps count" in board[-1].splitlines()
        assert "private hunch" not in board[-1]
        assert closed.query_one("#recap", TextArea).text == board[-1]

        await pilot.press("e")
        await settle(pilot, app)
        preview = app.screen
        assert isinstance(preview, RecapPreview)
        editor = preview.query_one("#recap-text", TextArea)
        editor.text = editor.text.replace("Hello Ana,", "Hi Ana,")
        await pilot.press("ctrl+s")  # copies, as edited
        await settle(pilot, app)
        assert "Hi Ana," in board[-1]
        await pilot.press("escape")
        await settle(pilot, app)
        await settle(pilot, app)
        assert app.screen is closed
        assert "Hi Ana," in closed.query_one("#recap", TextArea).text
        await pilot.press("c")  # copying again gives the edited text
        await settle(pilot, app)
        assert "Hi Ana," in board[-1]
    assert session.id is not None
    assert "Hi Ana," in store.recap_edits(session.id)["text"].text
