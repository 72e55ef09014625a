"""Carrying an earlier action forward at the check-in: its new due date, asked there and then.

A small form over the live screen: the action's words, and its due date to change (filled with
the old one; Enter keeps it, blank leaves it undated). Escape carries nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import Static

from companion.core.models import Action
from companion.tui.dialogs.forms import FormScreen, _date_input
from companion.tui.widgets.inputs import FormField


@dataclass(frozen=True)
class NewDueDate:
    """What the form hands back: the date the carried action is now due (None: undated)."""

    due_on: date | None


class CarryForwardForm(FormScreen[NewDueDate]):
    """The new due date of an action carried forward."""

    heading = "Carry the action forward"

    def __init__(self, action: Action) -> None:
        super().__init__(classes="carry-form")
        self.draft = action

    def fields(self) -> ComposeResult:
        yield Static(self.draft.text, id="carried-text", markup=False)
        yield FormField(
            "New due date",
            _date_input(self.draft.due_on, "due"),
            hint="friday, next week, 15 jan, +2w or YYYY-MM-DD; blank: no date",
        )

    def problems(self) -> dict[str, str]:
        problem = self.date_problem("due")
        return {"due": problem} if problem is not None else {}

    def result(self) -> NewDueDate:
        return NewDueDate(self.date("due"))  # type: ignore[arg-type]
