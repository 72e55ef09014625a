"""The one way listing commands print a table: rich, folded to the terminal's width (or
$COLUMNS), names and words kept whole wherever a wider column can hold them.

Column widths are worked out here over every row. A terminal gets a rich table (bold
headers, styled cells); a pipe, a file or a listing of thousands of rows gets the same layout
as plain lines, which rich would take seconds to lay out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console

CHUNK_ROWS = 500
"""Rows rendered at a time: rich lays out a table whole, so a long listing goes in parts."""
GAP = 2
"""Spaces between two columns."""
MIN_WRAPPED = 6
"""The narrowest a wrapping column gets, however little room is left."""


@dataclass(frozen=True)
class Column:
    """One column: its header, its alignment, and whether its cells may wrap (text) or never
    do (ids, dates, numbers)."""

    header: str
    justify: Literal["left", "right"] = "left"
    wrap: bool = True


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _plain(cell: object) -> str:
    return cell if isinstance(cell, str) else str(getattr(cell, "plain", cell))


def _longest_line(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(word) for word in text.split()), default=0)


def widths(columns: Sequence[Column], rows: Sequence[Sequence[object]], total: int) -> list[int]:
    """Each column's width in TOTAL cells: fixed columns as wide as their widest cell; the
    wrapping ones share the rest, each first given its longest word (so no name breaks while
    a wider column would do), then the rest, the least wanting first."""
    natural = [_longest_line(c.header) for c in columns]
    words = [_longest_word(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            text = _plain(cell)
            natural[i] = max(natural[i], _longest_line(text))
            if columns[i].wrap:
                words[i] = max(words[i], _longest_word(text))
    result = list(natural)
    wrapping = [i for i, c in enumerate(columns) if c.wrap]
    room = (
        total
        - GAP * (len(columns) - 1)
        - sum(natural[i] for i in range(len(columns)) if i not in wrapping)
    )
    if not wrapping or sum(natural[i] for i in wrapping) <= room:
        return result
    fair = max(MIN_WRAPPED, room // len(wrapping))
    least = {i: max(MIN_WRAPPED, min(words[i], natural[i], fair)) for i in wrapping}
    given = {i: 0 for i in wrapping}
    # First each column's longest word (up to a fair share: one long path does not starve the
    # rest), then the rest of its text: each time the columns that want least are served first,
    # evenly among those still wanting (a short name is kept whole before a long topic).
    for goal in (least, {i: natural[i] for i in wrapping}):
        spare = max(0, room - sum(given.values()))
        wanting = sorted(wrapping, key=lambda i: goal[i] - given[i])
        for count, i in enumerate(wanting):
            share = spare // (len(wanting) - count)
            more = max(0, min(goal[i] - given[i], share))
            given[i] += more
            spare -= more
    for i in wrapping:
        result[i] = max(MIN_WRAPPED, given[i])
    return result


def print_plain(renderable: object, out: Console | None = None) -> None:
    """Print RENDERABLE; to a pipe or a file without rich's padding at the line ends."""
    out = out or console()
    if out.is_terminal:
        out.print(renderable)
        return
    with out.capture() as captured:
        out.print(renderable)
    out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def _wrapped(text: str, width: int) -> list[str]:
    """TEXT in lines of at most WIDTH cells: at spaces, a word longer than WIDTH folded."""
    from rich.cells import cell_len, chop_cells

    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            if cell_len(word) > width:  # a word no width holds: folded, in one pass
                if line:
                    lines.append(line)
                    line = ""
                *full, word = chop_cells(word, width)
                lines.extend(full)
            if not line:
                line = word
            elif cell_len(line) + 1 + cell_len(word) <= width:
                line += " " + word
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _pad(text: str, width: int, justify: str) -> str:
    from rich.cells import cell_len

    space = " " * max(0, width - cell_len(text))
    return space + text if justify == "right" else text + space


def _plain_rows(
    columns: Sequence[Column], rows: Sequence[Sequence[object]], sizes: list[int]
) -> Iterator[str]:
    """The table as plain lines (for a pipe, or a listing too long to lay out in rich)."""
    gap = " " * GAP
    for row in [[c.header for c in columns], *rows]:
        cells = [
            _wrapped(_plain(cell), size) if column.wrap else _plain(cell).splitlines() or [""]
            for column, cell, size in zip(columns, row, sizes, strict=True)
        ]
        for i in range(max(len(lines) for lines in cells)):
            parts = [
                _pad(lines[i] if i < len(lines) else "", size, column.justify)
                for column, lines, size in zip(columns, cells, sizes, strict=True)
            ]
            yield gap.join(parts).rstrip()


def print_table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    out: Console | None = None,
) -> None:
    """Print ROWS (str or rich Text cells, stored text already made safe) under COLUMNS.

    A str cell is plain text, never markup: a name like "[Ana]" prints as it is."""
    from rich.table import Table
    from rich.text import Text

    out = out or console()
    rows = list(rows)
    sizes = widths(columns, rows, out.width)
    if not out.is_terminal or len(rows) > CHUNK_ROWS:
        # To a pipe (no styles go there anyway), or too many rows for rich to lay out fast.
        if title:
            out.file.write(title + "\n")
        out.file.write("".join(line + "\n" for line in _plain_rows(columns, rows, sizes)))
        return
    for start in range(0, max(len(rows), 1), CHUNK_ROWS):
        first = start == 0
        table = Table(
            box=None,
            header_style="bold",
            pad_edge=False,
            padding=(0, GAP // 2),
            show_header=first,
            title=title if first else None,
            title_justify="left",
            title_style="bold",
        )
        for column, size in zip(columns, sizes, strict=True):
            table.add_column(
                column.header,
                justify=column.justify,
                no_wrap=not column.wrap,
                overflow="fold",
                width=size,
            )
        for row in rows[start : start + CHUNK_ROWS]:
            table.add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in row))
        print_plain(table, out)
