"""The review's table of clients with many clients: a screenful first, the rest in chunks, every
row in the end; back to the list, only changed rows change and the cursor stays."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from companion.core.models import Client
from companion.store.overview import ClientOverview
from companion.tui.widgets.client_table import CHUNK_ROWS, FIRST_ROWS, ClientTable

MANY = FIRST_ROWS + 2 * CHUNK_ROWS + 37  # three chunks after the first screenful


def overviews(count: int, *, sessions: int = 3) -> list[ClientOverview]:
    return [
        ClientOverview(
            client=Client(id=n + 1, name=f"Client {n:05d}", created_at=datetime(2026, 1, 1)),
            sessions=sessions,
            last_session_at=datetime(2026, 11, 2, 9, 0),
            open_actions=n % 3,
            overdue_actions=n % 2,
        )
        for n in range(count)
    ]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ClientTable(id="clients")


def with_table(check: Callable[[Pilot[Any], ClientTable], Awaitable[None]]) -> None:
    """CHECK a ClientTable in an app of its own."""

    async def run() -> None:
        app = TableApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await check(pilot, app.query_one(ClientTable))

    asyncio.run(run())


async def filled(pilot: Pilot[Any], table: ClientTable, rows: int) -> None:
    for _ in range(100):
        if table.row_count == rows:
            break
        await pilot.pause()
    await pilot.pause()


def keys(table: ClientTable) -> list[str | None]:
    return [table.coordinate_to_cell_key((row, 0)).row_key.value for row in range(table.row_count)]


def test_a_screenful_first_then_every_client_in_order() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        clients = overviews(MANY)
        longest = "Maximiliane Ottilie von Oberhausen-Marchetti"
        last = clients[-1]
        clients[-1] = last.model_copy(
            update={"client": last.client.model_copy(update={"name": longest})}
        )
        table.show(clients)
        assert table.row_count == FIRST_ROWS  # the rest after the next refresh
        await filled(pilot, table, MANY)
        assert keys(table) == [str(n + 1) for n in range(MANY)]
        assert table.get_row_at(MANY - 2)[0].plain == f"Client {MANY - 2:05d}"
        # the widths were given for every row before the first paint, the last one's too
        assert table.ordered_columns[0].width == len(longest)

    with_table(check)


def test_coming_back_changes_only_what_changed_and_keeps_the_cursor() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        table.show(overviews(MANY))
        await filled(pilot, table, MANY)
        table.move_cursor(row=MANY - 5)
        changed = overviews(MANY)
        changed[MANY - 5] = changed[MANY - 5].model_copy(update={"sessions": 4})
        table.show(changed)
        assert table.row_count == MANY  # not emptied and filled again
        await pilot.pause()
        assert table.cursor_row == MANY - 5
        assert table.get_row_at(MANY - 5)[1].plain == "4"

    with_table(check)


def test_a_new_client_refills_and_the_cursor_returns_where_it_was() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        table.show(overviews(MANY))
        await filled(pilot, table, MANY)
        table.move_cursor(row=MANY - 3)
        table.show(overviews(MANY + 1))
        await filled(pilot, table, MANY + 1)
        assert table.cursor_row == MANY - 3

    with_table(check)


def test_the_coach_can_move_while_it_fills_and_a_new_fill_stops_the_old() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        table.focus()
        table.show(overviews(MANY))
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        table.show(overviews(MANY + 1, sessions=5))  # another client: filled again
        table.show(overviews(MANY + 2, sessions=6))  # and again before that fill ended
        await filled(pilot, table, MANY + 2)
        for _ in range(5):
            await pilot.pause()
        assert table.row_count == MANY + 2  # no chunk of an earlier fill landed
        assert {table.get_row_at(row)[1].plain for row in range(MANY + 2)} == {"6"}
        assert table.cursor_row == 2

    with_table(check)


def test_the_rest_of_a_first_page_is_added_after_it() -> None:
    """The review shows a first page, then every client: the rows shown stay (not emptied and
    filled again), the coach's cursor with them, and the rest follow in order."""

    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        table.focus()
        clients = overviews(MANY)
        table.show(clients[:FIRST_ROWS])
        await filled(pilot, table, FIRST_ROWS)
        await pilot.press("down", "down", "down")
        cleared: list[bool] = []
        original = table.clear

        def clear(columns: bool = False) -> ClientTable:
            cleared.append(columns)
            return original(columns)

        table.clear = clear  # type: ignore[method-assign]
        table.show(clients)
        await filled(pilot, table, MANY)
        assert cleared == []
        assert keys(table) == [str(n + 1) for n in range(MANY)]
        assert table.cursor_row == 3

    with_table(check)


def test_a_longer_name_in_the_rest_widens_the_column() -> None:
    async def check(pilot: Pilot[Any], table: ClientTable) -> None:
        clients = overviews(FIRST_ROWS + 10)
        longest = "Maximiliane Ottilie von Oberhausen-Marchetti"
        last = clients[-1]
        clients[-1] = last.model_copy(
            update={"client": last.client.model_copy(update={"name": longest})}
        )
        table.show(clients[:FIRST_ROWS])
        await filled(pilot, table, FIRST_ROWS)
        table.show(clients)
        await filled(pilot, table, FIRST_ROWS + 10)
        assert table.ordered_columns[0].width == len(longest)
        assert keys(table) == [str(n + 1) for n in range(FIRST_ROWS + 10)]

    with_table(check)
