"""The floors under companion's start-up targets: a bare Textual app that does only what no
version of companion can skip, so RESULTS.md can show how much of a miss is companion's own.

    python benchmarks/floor_app.py list DB    # home / review: the client list shown
    python benchmarks/floor_app.py live DB    # the live screen: three panes, then notes shown

Both paint first, then (in a thread worker, as companion does) import pydantic and sqlite-utils,
open DB through sqlite-utils and read into a pydantic model what the screen shows: `list` every
client's name, shown in an OptionList with a line counting them; `live` the newest session's
notes, loaded into the TextArea between a protocol pane and a sidebar, then "Step 1 of 5" shown.
No store, no models of companion's, no checks of the file, no migrations, no protocols.
"""

from __future__ import annotations

import sys
from typing import Any

from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, Static, TextArea


def _rows(path: str, sql: str) -> list[Any]:
    """(thread) The imports companion cannot start without, the file opened, SQL's rows as
    pydantic records."""
    import pydantic
    import sqlite_utils

    class Row(pydantic.BaseModel):
        id: int
        text: str

    db = sqlite_utils.Database(path)
    try:
        return [Row.model_validate(row) for row in db.query(sql)]
    finally:
        db.close()


class ListFloor(App[None]):
    """Home's and the review's floor: the client list shown."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="clients")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)

    @work(thread=True)
    def load(self) -> None:
        rows = _rows(self.path, "SELECT id, name AS text FROM clients ORDER BY name")
        self.call_from_thread(self.show, rows)

    def show(self, rows: list[Any]) -> None:
        self.query_one(OptionList).add_options([row.text for row in rows])
        self.query_one("#status", Static).update(f"{len(rows)} clients · floor")


class LiveFloor(App[None]):
    """The live screen's floor: three panes painted, then the notes read and shown."""

    CSS = """
    #protocol { width: 27%; }
    #notes { width: 1fr; }
    #sidebar { width: 28%; }
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield Static("", id="protocol")
            notes = TextArea(id="notes", soft_wrap=True)
            notes.border_title = "Notes"
            yield notes
            yield Static("", id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.call_after_refresh(self.load)

    @work(thread=True)
    def load(self) -> None:
        sql = "SELECT session_id AS id, text FROM notes ORDER BY session_id DESC LIMIT 1"
        rows = _rows(self.path, sql)
        self.call_from_thread(self.show, rows)

    def show(self, rows: list[Any]) -> None:
        notes = self.query_one(TextArea)
        notes.load_text(rows[0].text if rows else "")
        notes.move_cursor(notes.document.end)
        self.query_one("#protocol", Static).update("Step 1 of 5\nGoal")
        self.query_one("#sidebar", Static).update("Agreement")


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    (ListFloor if mode == "list" else LiveFloor)(path).run()
