"""Small and strange terminals (issue 9 point 8): too small a window, a very long pasted line.

Below the smallest size the layout supports the screen is covered by one clear message, keys
still reach the notes, and growing the window brings everything back. A pasted line far longer
than a screen turns soft wrap off (wrapping it again on every key took seconds), keeps the text
exactly, and wrap comes back once the line is gone.
"""

from __future__ import annotations

from test_live import Clock, live, live_app, new_session, settle, settle_loaded, sync
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Size

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.dialogs.live_dialogs import QuitUnsaved
from companion.tui.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmall, is_too_small
from companion.tui.widgets.notes_pane import LONG_LINE, NotesArea


def cover_of(app: App[object]) -> TooSmall | None:
    """The shown screen's cover, if it is showing."""
    covers = app.screen.query_children(TooSmall)
    if not covers or not covers.first().display:
        return None
    return covers.first()


def test_the_smallest_size_is_the_line_between_cover_and_layout() -> None:
    assert not is_too_small(Size(MIN_WIDTH, MIN_HEIGHT))
    assert is_too_small(Size(MIN_WIDTH - 1, MIN_HEIGHT))
    assert is_too_small(Size(MIN_WIDTH, MIN_HEIGHT - 1))
    assert not is_too_small(Size(80, 24))


@sync
async def test_a_tiny_terminal_is_covered_and_typing_still_reaches_the_notes(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(30, 10)) as pilot:
        await settle_loaded(pilot, app)
        cover = cover_of(app)
        assert cover is not None, "no cover at 30x10"
        message = str(cover.content)
        assert f"needs {MIN_WIDTH}x{MIN_HEIGHT}" in message and "now 30x10" in message
        assert cover.region.size == app.screen.region.size  # the whole screen, footer and all
        screen = live(app)
        assert app.focused is screen.notes  # the cover takes no focus

        for key in "kept":
            await pilot.press(key)
        await pilot.resize_terminal(100, 30)
        await settle(pilot, app)

        assert cover_of(app) is None
        assert app.focused is screen.notes
        assert "kept" in screen.notes.text


@sync
async def test_shrinking_covers_and_the_message_follows_the_size(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_loaded(pilot, app)
        assert cover_of(app) is None
        await pilot.resize_terminal(40, 12)
        await settle(pilot, app)
        cover = cover_of(app)
        assert cover is not None and "now 40x12" in str(cover.content)
        await pilot.resize_terminal(45, 20)
        await settle(pilot, app)
        cover = cover_of(app)
        assert cover is not None and "now 45x20" in str(cover.content)
        await pilot.resize_terminal(MIN_WIDTH, MIN_HEIGHT)
        await settle(pilot, app)
        assert cover_of(app) is None


@sync
async def test_a_dialog_opened_while_too_small_is_covered_too(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(30, 10)) as pilot:
        await settle_loaded(pilot, app)
        app.push_screen(QuitUnsaved("Some notes are not saved yet."))
        await settle(pilot, app)
        assert isinstance(app.screen, QuitUnsaved)
        assert cover_of(app) is not None
        await pilot.resize_terminal(100, 30)
        await settle(pilot, app)
        assert cover_of(app) is None


# -- a very long line -------------------------------------------------------------------------


class NotesOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield NotesArea()


@sync
async def test_a_line_over_the_limit_turns_soft_wrap_off_and_keeps_the_text() -> None:
    app = NotesOnly()
    async with app.run_test(size=(80, 24)) as pilot:
        notes = app.query_one(NotesArea)
        notes.focus()
        await pilot.press("a", "enter")
        assert notes.soft_wrap
        long_line = "x" * (LONG_LINE + 1)
        app.post_message(events.Paste(long_line))
        await pilot.pause()
        assert not notes.soft_wrap
        assert notes.text == "a\n" + long_line
        assert any("Very long line" in (n.title or "") for n in app._notifications)

        await pilot.press("y")  # typing goes on, at the end of the long line
        assert notes.text == "a\n" + long_line + "y"

        notes.select_line(1)  # the long line gone: wrap comes back
        await pilot.press("backspace")
        assert notes.soft_wrap
        assert notes.text == "a\n"


@sync
async def test_a_line_at_the_limit_keeps_soft_wrap_and_undo_brings_it_back() -> None:
    app = NotesOnly()
    async with app.run_test(size=(80, 24)) as pilot:
        notes = app.query_one(NotesArea)
        notes.focus()
        app.post_message(events.Paste("z" * LONG_LINE))
        await pilot.pause()
        assert notes.soft_wrap  # exactly the limit still wraps
        await pilot.press("z")
        assert not notes.soft_wrap
        notes.undo()
        assert notes.soft_wrap
        notes.redo()
        assert not notes.soft_wrap
        assert notes.text == "z" * (LONG_LINE + 1)


@sync
async def test_loading_notes_with_a_long_line_starts_unwrapped() -> None:
    app = NotesOnly()
    async with app.run_test(size=(80, 24)) as pilot:
        notes = app.query_one(NotesArea)
        text = "first\n" + "w" * (LONG_LINE * 3) + "\nlast"
        notes.load_notes(text)
        await pilot.pause()
        assert not notes.soft_wrap
        assert notes.text == text
