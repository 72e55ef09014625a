"""The review's client table fits a narrow terminal: the name column gives way (names cut with
an ellipsis) so that every column is whole; wide enough, every column is as wide as its cells."""

from __future__ import annotations

import asyncio
from typing import Any

from test_client_table import TableApp, filled, overviews
from textual.pilot import Pilot

from companion.store.overview import ClientOverview
from companion.tui.widgets.client_table import COLUMNS, ClientTable, client_texts

LONG_NAMES = [
    "Founders' peer group, Bluefield Health and Partners",
    "Career changers group, Quarry & Finch",
]


def clients() -> list[ClientOverview]:
    listed = overviews(30)
    for n, name in enumerate(LONG_NAMES):
        listed[n] = listed[n].model_copy(
            update={
                "client": listed[n].client.model_copy(update={"name": name}),
                "open_actions": 12,
                "overdue_actions": 10,
            }
        )
    return listed


def natural(listed: list[ClientOverview]) -> list[int]:
    """Each column as wide as its widest cell (or heading): what a wide table gives."""
    texts = [client_texts(item) for item in listed]
    return [
        max(len(label), *(len(row[index]) for row in texts))
        for index, (label, _) in enumerate(COLUMNS)
    ]


def fits(table: ClientTable) -> bool:
    used = sum(column.get_render_width(table) for column in table.ordered_columns)
    return used <= table.scrollable_content_region.width and table.max_scroll_x == 0


def run(size: tuple[int, int], check: Any) -> None:
    async def go() -> None:
        app = TableApp()
        async with app.run_test(size=size) as pilot:
            await check(pilot, app.query_one(ClientTable))

    asyncio.run(go())


def test_at_80_columns_the_names_give_way_and_every_column_is_whole() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        listed = clients()
        table.show(listed)
        await filled(pilot, table, len(listed))
        widths = [column.width for column in table.ordered_columns]
        assert widths[1:] == natural(listed)[1:]  # "12 (10 overdue)" whole
        assert widths[0] < natural(listed)[0]
        assert fits(table)
        row = table.get_row_at(0)
        assert row[3].plain == "12 (10 overdue)"
        assert row[0].plain == LONG_NAMES[0]  # kept: cut on screen only, with an ellipsis
        assert row[0].overflow == "ellipsis" and row[0].no_wrap

    run((80, 24), check)


def test_at_120_columns_every_column_is_as_wide_as_its_cells() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        listed = clients()
        table.show(listed)
        await filled(pilot, table, len(listed))
        assert [column.width for column in table.ordered_columns] == natural(listed)
        assert fits(table)

    run((120, 40), check)


def test_a_resize_refits_the_columns_in_place() -> None:
    """Narrower then wider again: the columns follow, the rows are not filled again and the
    coach's cursor stays."""

    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        listed = clients()
        table.focus()
        table.show(listed)
        await filled(pilot, table, len(listed))
        await pilot.press("down", "down")
        cleared: list[bool] = []
        table.clear = lambda columns=False: cleared.append(columns)  # type: ignore[method-assign,assignment,return-value]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert table.ordered_columns[0].width < natural(listed)[0]
        assert fits(table)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert [column.width for column in table.ordered_columns] == natural(listed)
        assert fits(table)
        assert cleared == [] and table.row_count == len(listed) and table.cursor_row == 2
        table.show(listed)  # the same clients again: in place at the widths fitted
        assert cleared == []

    run((120, 40), check)
