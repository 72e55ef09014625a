"""Small input helpers shared by the forms and the closing screen: dates, scores, labelled fields.

A date typed by a coach must mean one day only, so the forms take ISO dates (2027-03-01) and a few
unambiguous short forms (today, tomorrow, +10d, +2w). Day/month orders (01/03/2027) are refused:
they read differently on either side of the Atlantic.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Label, Static

DATE_FORMAT = "YYYY-MM-DD"
DATE_PLACEHOLDER = "YYYY-MM-DD, or +7d, +2w, today"

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RELATIVE = re.compile(r"^\+\s*(?P<count>\d{1,3})\s*(?P<unit>[dw])$")
_WORDS = {"today": 0, "tomorrow": 1}


def parse_date(text: str, *, today: date | None = None) -> date | None:
    """The day TEXT names, None when blank; ValueError with a message fit to show otherwise."""
    cleaned = text.strip().lower()
    if not cleaned:
        return None
    base = today or date.today()
    if cleaned in _WORDS:
        return base + timedelta(days=_WORDS[cleaned])
    relative = _RELATIVE.match(cleaned)
    if relative is not None:
        days = int(relative["count"]) * (7 if relative["unit"] == "w" else 1)
        return base + timedelta(days=days)
    if _ISO.match(cleaned):
        try:
            return date.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"{text.strip()} is not a day of the calendar") from None
    raise ValueError(f"Not a date: use {DATE_FORMAT}, e.g. {base + timedelta(days=14):%Y-%m-%d}")


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
