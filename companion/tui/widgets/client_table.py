"""The review's table of clients, quick to show however many clients the practice holds.

Textual's DataTable measures every cell of the rows it is given before it paints them again:
for 5,000 clients most of a second on the event loop. So the table is filled a screenful first
and the rest in chunks, one chunk per refresh (keys are answered in between); the rest of a first
page read from the store is added after the rows shown; and coming back to the list with the same
clients changes only the rows whose counts changed, the cursor kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from companion.tui.widgets import review_format as fmt

if TYPE_CHECKING:  # pydantic and the store load after the first paint
    from companion.store.overview import ClientOverview

COLUMNS = (("Client", "client"), ("Sessions", "sessions"), ("Last session", "last"))
COLUMNS += (("Open actions", "open"),)
FIRST_ROWS = 120
"""Rows given before the first paint: more than a terminal shows."""
CHUNK_ROWS = 400
"""Rows given at each refresh after that (about 50 ms of measuring each)."""
WIDEST = 60
NARROWEST = 12
"""The name column gives way to the others in a narrow table down to this (then it scrolls)."""


def client_texts(item: ClientOverview) -> tuple[str, str, str, str]:
    """What a client's row shows: name, sessions, the last one's day, open (overdue) actions."""
    open_text = str(item.open_actions) if item.open_actions else "—"
    if item.overdue_actions:
        open_text += f" ({item.overdue_actions} overdue)"
    return item.client.name, str(item.sessions), fmt.day(item.last_session_at), open_text


class ClientTable(DataTable[Text]):
    """One row per client, keyed by the client's id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.shown: list[ClientOverview] = []
        self._filling = 0  # a new fill stops the chunks of the one before
        self._parked = 0  # where the fill left the cursor: moved since, it is the coach's
        self._natural = _widths([])
        """Each column as wide as its widest cell: what the table shows when there is room."""

    def on_mount(self) -> None:
        self._columns(self._fitted(self._natural))

    def on_resize(self) -> None:
        widths = self._fitted(self._natural)
        if widths != self._column_widths():
            # In place: filling the table again would measure every row again.
            for column, width in zip(self.ordered_columns, widths, strict=True):
                column.width = width
            self._require_update_dimensions = True  # DataTable's own flag: its virtual size
            self._clear_caches()  # rows rendered at the old widths
            self.refresh()

    def show(self, overviews: Sequence[ClientOverview]) -> None:
        """Show OVERVIEWS: in place if the same clients are listed (or the ones shown and more
        after them: the rest of a first page), else from the start."""
        texts = [client_texts(item) for item in overviews]
        self._natural = _widths(texts)
        widths = self._fitted(self._natural)
        shown = len(self.shown)
        ids = [o.client.id for o in overviews]
        in_place = (
            ids[:shown] == [o.client.id for o in self.shown]
            and self.row_count == shown  # not while an earlier fill is still adding rows
            and self._column_widths() == widths
        )
        if not in_place:
            keep = self.cursor_row
            self.shown = list(overviews)
            self._filling += 1
            self.clear(columns=True)
            self._columns(widths)
            self._add(self._filling, texts, 0, FIRST_ROWS, keep)
            return
        for old, new, row in zip(self.shown, overviews[:shown], texts, strict=False):
            if old != new:
                for (_, column), value in zip(COLUMNS, row, strict=True):
                    self.update_cell(str(new.client.id), column, fmt.table_cell(value))
        self.shown = list(overviews)
        if len(texts) > shown:
            self._filling += 1
            self._parked = self.cursor_row
            count = CHUNK_ROWS if shown else FIRST_ROWS
            self._add(self._filling, texts, shown, count, self.cursor_row)

    def _add(
        self,
        filling: int,
        texts: list[tuple[str, str, str, str]],
        start: int,
        count: int,
        keep: int,
    ) -> None:
        if filling != self._filling or not self.is_attached:
            return  # filled again since, or gone
        end = start + count
        for item, row in zip(self.shown[start:end], texts[start:end], strict=True):
            self.add_row(*(fmt.table_cell(value) for value in row), key=str(item.client.id))
        landed = start <= keep < end or (keep >= len(texts) and end >= len(texts))
        if texts and landed and (start == 0 or self.cursor_row == self._parked):
            self.move_cursor(row=min(keep, len(texts) - 1), animate=False)
        self._parked = self.cursor_row
        if end < len(texts):
            self.call_after_refresh(self._add, filling, texts, end, CHUNK_ROWS, keep)

    def _columns(self, widths: list[int]) -> None:
        for (label, key), width in zip(COLUMNS, widths, strict=True):
            self.add_column(label, key=key, width=width)

    def _column_widths(self) -> list[int]:
        return [column.width for column in self.ordered_columns]

    def _fitted(self, widths: list[int]) -> list[int]:
        """WIDTHS with the name column narrowed (names cut with an ellipsis, see table_cell)
        so that every column fits the table's width; as given while there is room, and before
        the table is laid out (its resize fits them then).

        Room is kept for the vertical scrollbar: whether it shows depends on rows not added yet.
        """
        room = self.content_size.width - self.styles.scrollbar_size_vertical
        spare = room - sum(widths) - 2 * self.cell_padding * len(widths)
        if room <= 0 or spare >= 0:
            return widths
        return [max(widths[0] + spare, min(widths[0], NARROWEST)), *widths[1:]]


def _widths(texts: list[tuple[str, str, str, str]]) -> list[int]:
    """Each column as wide as its widest cell (at most WIDEST), or its heading.

    Given, not measured: DataTable measures its columns when it next goes idle, and rows that
    arrive while it already is (the practice opens after the first paint) could keep them as
    narrow as their headings ("Ana L…")."""
    return [
        min(max(max((cell_len(row[index]) for row in texts), default=0), len(label)), WIDEST)
        for index, (label, _) in enumerate(COLUMNS)
    ]
