"""The line being typed stays in view: Enter on the last line of the notes (and a word that wraps
onto a new row) scrolls the new row in at once, not one key later."""

from __future__ import annotations

import pytest
from test_live import Clock, live_app, new_session, settle, sync

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.screens.live import LiveScreen
from companion.tui.widgets.notes_pane import NotesArea


def cursor_in_view(notes: NotesArea) -> bool:
    _, y = notes.cursor_screen_offset
    return notes.content_region.y <= y < notes.content_region.bottom


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@sync
async def test_enter_on_the_last_line_keeps_the_new_line_in_view(
    store: Store, protocols: ProtocolLibrary, size: tuple[int, int]
) -> None:
    app = live_app(store, protocols, new_session(store, protocols), Clock())
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        notes = screen.notes
        notes.focus()
        rows = notes.content_region.height
        notes.load_notes("".join(f"line {n}\n" for n in range(1, rows - 2)))
        notes.move_cursor(notes.document.end)
        await settle(pilot, app)
        for n in range(rows - 2, rows + 3):  # past the pane's height: it scrolls
            await pilot.press(*f"line {n}", "enter")
            await pilot.pause()
            assert notes.cursor_location == (notes.document.line_count - 1, 0)
            assert cursor_in_view(notes), (n, notes.scroll_y, notes.max_scroll_y)
        assert notes.scroll_y > 0


@sync
async def test_a_word_wrapping_onto_a_new_row_at_the_bottom_is_in_view(
    store: Store, protocols: ProtocolLibrary
) -> None:
    app = live_app(store, protocols, new_session(store, protocols), Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        notes = screen.notes
        notes.focus()
        notes.load_notes("\n".join(f"line {n}" for n in range(60)) + "\n")
        notes.move_cursor(notes.document.end)
        await settle(pilot, app)
        typed = 0
        while notes.wrapped_document.height == notes.document.line_count:  # until it wraps
            await pilot.press("w" if typed % 5 else "space")
            typed += 1
            assert typed < 2 * notes.wrap_width
        await pilot.pause()
        assert notes.cursor_location[1] > 0  # on the new row, with the word that wrapped
        assert cursor_in_view(notes), (notes.scroll_y, notes.max_scroll_y)
