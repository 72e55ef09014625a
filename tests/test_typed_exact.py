"""Every typed character is kept: the invisible ones Textual calls unprintable too (issue 9.6).

Textual's TextArea and Input drop a key whose character fails `str.isprintable()`: ZWNJ (Persian),
ZWJ (emoji sequences: 🧘‍♀️ became 🧘♀️), U+200B, U+2060, the bidi controls, no-break spaces.
The keys go in as a terminal sends them, through Textual's own terminal parser: Pilot's `press`
turns a non-alphanumeric character such as 🧘 or U+200D into a key with no character at all,
which no widget could type (a real terminal gives the character).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets.text_area import Selection

from companion.core.models import Agreement
from companion.tui.dialogs.forms import AgreementForm
from companion.tui.widgets.inputs import ExactInput, typed_text
from companion.tui.widgets.notes_pane import NotesArea

WOMAN_IN_LOTUS = "\U0001f9d8\u200d\u2640\ufe0f"  # 🧘‍♀️: person in lotus, ZWJ, female sign, VS16
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # می‌خواهم, a ZWNJ after می
INVISIBLES = "a\u200bb\u200cc\u200dd\u2060e\u202eRTL\u202cf"
SPACES = "10\u00a0km, 5\u202f%"  # no-break space, narrow no-break space (French typography)
EVERYTHING = [WOMAN_IN_LOTUS, PERSIAN, INVISIBLES, SPACES]


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def type_in(pilot: Pilot[Any], text: str) -> None:
    """TEXT in one burst, the key events Textual makes of it when a terminal sends it."""
    driver = pilot.app._driver
    assert driver is not None
    for event in XTermParser().feed(text):
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


class NotesHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.edits = 0

    def compose(self) -> ComposeResult:
        yield NotesArea("", id="notes")
        yield ExactInput("", id="field")

    def on_notes_area_edited(self) -> None:
        self.edits += 1


# -- the helper -----------------------------------------------------------------------------------


@pytest.mark.parametrize("char", list("\u200b\u200c\u200d\u2060\u202e\u202c\u00a0\u202f\u00ad"))
def test_typed_text_keeps_what_is_printable_refuses(char: str) -> None:
    assert not char.isprintable()
    assert typed_text(events.Key("some_name", char)) == char


@pytest.mark.parametrize(
    ("key", "char"),
    [
        ("a", "a"),  # printable: Textual types it already
        ("space", " "),
        ("tab", "\t"),
        ("enter", "\r"),
        ("escape", "\x1b"),
        ("ctrl+a", "\x01"),
        ("ctrl+j", "\n"),
        ("line_separator", "\u2028"),  # would split the line
        ("f2", None),
    ],
)
def test_typed_text_leaves_other_keys_alone(key: str, char: str | None) -> None:
    assert typed_text(events.Key(key, char)) is None


# -- the notes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", EVERYTHING, ids=["emoji-zwj", "persian-zwnj", "invis", "spaces"])
@sync
async def test_the_notes_keep_every_typed_character(text: str) -> None:
    app = NotesHost()
    async with app.run_test(size=(80, 24)) as pilot:
        notes = app.query_one(NotesArea)
        notes.focus()
        await type_in(pilot, text)
        await pilot.pause()
        assert notes.text == text
        assert notes.cursor_location == (0, len(text))


@sync
async def test_an_invisible_character_replaces_the_selection_and_counts_as_an_edit() -> None:
    app = NotesHost()
    async with app.run_test(size=(80, 24)) as pilot:
        notes = app.query_one(NotesArea)
        notes.load_notes("ab XX cd")
        await pilot.pause()
        assert app.edits == 0
        notes.focus()
        notes.selection = Selection((0, 3), (0, 5))
        await type_in(pilot, "\u200d")
        await pilot.pause()
        assert notes.text == "ab \u200d cd"
        assert app.edits == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert notes.text == "ab XX cd"


@sync
async def test_read_only_notes_take_no_invisible_character() -> None:
    app = NotesHost()
    async with app.run_test(size=(80, 24)) as pilot:
        notes = app.query_one(NotesArea)
        notes.read_only = True
        notes.focus()
        await type_in(pilot, "\u200d\u200c")
        await pilot.pause()
        assert notes.text == ""


# -- the form inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", EVERYTHING, ids=["emoji-zwj", "persian-zwnj", "invis", "spaces"])
@sync
async def test_an_exact_input_keeps_every_typed_character(text: str) -> None:
    app = NotesHost()
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.query_one(ExactInput)
        field.focus()
        await type_in(pilot, text)
        await pilot.pause()
        assert field.value == text
        assert field.cursor_position == len(text)


class FormHost(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.result: Agreement | None = None

    def on_mount(self) -> None:
        self.push_screen(AgreementForm(Agreement()), self._done)

    def _done(self, result: Agreement | None) -> None:
        self.result = result


@sync
async def test_the_agreement_form_keeps_every_typed_character() -> None:
    app = FormHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Input)
        for text in (f"{WOMAN_IN_LOTUS} {PERSIAN}", INVISIBLES, SPACES):
            await type_in(pilot, text)  # a bare app has no key gate: one field at a time
            await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
    assert app.result == Agreement(
        topic=f"{WOMAN_IN_LOTUS} {PERSIAN}",
        desired_outcome=INVISIBLES,
        measure_of_success=SPACES,
    )
