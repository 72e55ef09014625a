"""F1: every key of the screen underneath, with what it does, in one small dialog."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class KeysHelp(ModalScreen[None]):
    """Lists (key, what it does) pairs; any of Escape, F1 or q closes it."""

    CSS_PATH = "keys_help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,f1,q",
            "dismiss(None)",
            "Close",
            priority=True,
            tooltip="Close this list",
            id="keys.close",
        ),
    ]

    def __init__(self, keys: list[tuple[str, str]], footnote: str = "") -> None:
        super().__init__()
        self.keys = keys
        self.footnote = footnote

    def compose(self) -> ComposeResult:
        # A grid: the keys in one column, what they do in the other, wrapping under itself.
        with VerticalScroll(id="keys-dialog") as dialog:
            dialog.border_title = "Keys"
            dialog.border_subtitle = "Esc or F1 closes"
            with Grid(id="keys-grid"):
                for key, what in self.keys:
                    yield Static(Content.styled(key, "bold $text-accent"), classes="key")
                    yield Static(what, classes="what")
            if self.footnote:
                yield Static(Content.styled(self.footnote, "dim"), id="keys-footnote")
