"""The baseline for the live-screen benchmark: a bare Textual app (Header, a focused TextArea,
Footer), optionally holding the text of a file, cursor at the end."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, TextArea


class BareApp(App[None]):
    def __init__(self, text: str = "") -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextArea(self._text, id="notes")
        yield Footer()

    def on_mount(self) -> None:
        notes = self.query_one(TextArea)
        notes.focus()
        notes.move_cursor(notes.document.end)


if __name__ == "__main__":
    text = Path(sys.argv[1]).read_text() if len(sys.argv) > 1 else ""
    BareApp(text).run()
