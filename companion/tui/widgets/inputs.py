"""Small input helpers shared by the forms and the closing screen: dates, scores, labelled fields.

A date typed by a coach must mean one day only, so the forms take what companion.core.dates takes:
ISO dates (2027-03-01) and unambiguous words (today, tomorrow, friday, next week, 15 jan, +2w).
Day/month orders in digits (01/03/2027) are refused: they read differently on either side of the
Atlantic.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.document._wrapped_document import WrappedDocument
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.widgets.text_area import Edit, EditResult

from companion.core import dates

DATE_PLACEHOLDER = dates.DATE_HINT


KEPT_INVISIBLE = frozenset({"Cf", "Co", "Cn", "Zs"})
"""Unicode categories that `str.isprintable()` calls unprintable but that are typed text: format
characters (ZWNJ for Persian, ZWJ in emoji sequences, word joiner, bidi marks and overrides, soft
hyphen), private use, code points newer than Python's Unicode tables, and spaces such as U+00A0
and U+202F. Textual's widgets drop a key whose character is not printable; control characters
(Cc: the keys enter, tab, escape, ctrl+...), surrogates and the line and paragraph separators
(Zl, Zp: the notes would split there) are still left to the widgets' own handling."""


def typed_text(event: events.Key) -> str | None:
    """The text a key types that Textual's `is_printable` refuses (ZWJ, ZWNJ, ...), else None.

    None too for a key Textual already types (a printable character) and for every control key,
    so a widget inserts what this returns and leaves every other key to its usual handling.
    """
    character = event.character
    if not character or event.is_printable:
        return None
    if all(unicodedata.category(char) in KEPT_INVISIBLE for char in character):
        return character
    return None


class ExactInput(Input):
    """An Input that keeps every character typed into it, invisible ones too (see typed_text)."""

    async def _on_key(self, event: events.Key) -> None:
        text = typed_text(event)
        if text is None:
            await super()._on_key(event)
            return
        self._restart_blink()
        event.stop()
        event.prevent_default()
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class CountedRows(WrappedDocument):
    """A wrapped document that counts its rows instead of summing them over every line.

    TextArea reads `height` once for each row it paints, and WrappedDocument (Textual 8.2)
    sums it over all the document's lines each time: with 20,000 words of notes that was ~10 ms
    of every key's frame. It keeps one entry per row already (`_offset_to_line_info`, kept by
    `wrap` and `wrap_range`), so the count is its length (tests/test_counted_rows.py).
    """

    @property
    def height(self) -> int:
        return len(self._offset_to_line_info)


class ExactTextArea(TextArea):
    """A TextArea that keeps every character typed into it, invisible ones too (see typed_text);
    its wrapped document counts its rows (CountedRows)."""

    @property  # type: ignore[override]
    def wrapped_document(self) -> WrappedDocument:
        return self._counted_rows

    @wrapped_document.setter
    def wrapped_document(self, wrapped: WrappedDocument) -> None:
        # TextArea makes a new WrappedDocument with each document; the same object, counting.
        wrapped.__class__ = CountedRows
        self._counted_rows = wrapped

    def edit(self, edit: Edit) -> EditResult:
        """The edit, then, if it changed the text's rows, the cursor scrolled into view again.

        TextArea.edit (Textual 8.2) moves the cursor, which scrolls to it, before it grows its
        virtual size: a row added at the bottom (Enter on the last line, a word wrapping onto a
        new row) was scrolled to only as far as the old height allowed, one row short, until the
        next key (tests/test_notes_scroll.py).
        """
        rows = self.wrapped_document.height  # CountedRows: the length of its row index
        result = super().edit(edit)
        if self.is_mounted and self.wrapped_document.height != rows:  # not on most keys
            self.scroll_cursor_visible()
        return result

    async def _on_key(self, event: events.Key) -> None:
        text = typed_text(event)
        if text is None or self.read_only:
            await super()._on_key(event)
            return
        self._restart_blink()
        event.stop()
        event.prevent_default()
        start, end = self.selection
        self._replace_via_keyboard(text, start, end)


def parse_date(text: str, *, today: date | None = None) -> date | None:
    """The day TEXT names, None when blank; ValueError with a message fit to show otherwise."""
    if not text.strip():
        return None
    return dates.parse_date(text, today=today)


def parse_score(text: str) -> int | None:
    """A 0-10 score, None when blank; ValueError with a message fit to show otherwise."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if not cleaned.isdigit() or not 0 <= int(cleaned) <= 10:
        raise ValueError("A score is a whole number from 0 to 10")
    return int(cleaned)


class DateValidator(Validator):
    """Accepts what parse_date accepts (blank too: a date is optional unless the form says)."""

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_date(value)
        except ValueError as error:
            return self.failure(str(error), value)
        return self.success()


class ScoreValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        try:
            parse_score(value)
        except ValueError as error:
            return self.failure(str(error), value)
        return self.success()


class FieldSelect(Select[Any], inherit_bindings=False):
    """A Select in a form: Enter goes on to the next field (as in a text field); down, up or
    space open the choices. The form moves on (see FormScreen.next_field)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down,space,up",
            "show_overlay",
            "Show the choices",
            show=False,
            tooltip="Open the list of choices",
            id="form.choices",
        ),
        Binding(
            "enter",
            "next_field",
            "Next field",
            show=False,
            tooltip="Keep this choice and go on to the next field",
            id="form.next-field",
        ),
    ]

    def action_next_field(self) -> None:
        next_field = getattr(self.screen, "next_field", None)
        if next_field is not None:
            next_field(self)


class FormField(Horizontal):
    """A label, the field, and under it a line saying what is wrong (hidden when all is well)."""

    def __init__(
        self, label: str, field: Widget, *, hint: str = "", required: bool = False
    ) -> None:
        super().__init__(classes="form-field")
        self.field = field
        self._label = f"{label} *" if required else label
        self._hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        with Vertical(classes="field-body"):
            yield self.field
            if self._hint:
                yield Static(self._hint, classes="field-hint")
            yield Static("", classes="field-error")

    def show_error(self, message: str | None) -> None:
        """Say what is wrong with the field, or clear the message with None."""
        self.set_class(bool(message), "-error")
        self.query_one(".field-error", Static).update(message or "")
        self.field.set_class(bool(message), "-invalid")

    @property
    def has_error(self) -> bool:
        return self.has_class("-error")
