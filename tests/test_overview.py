"""The review's client list: a first page, then the rest after it, in two queries each, and the
review screen showing the page first and every client in the end."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from test_review import RecordingApp, settle, sync, text_of
from test_views import counting
from textual.widgets import Label

from companion.core.models import Action, Client, Session
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.store.overview import ClientList, client_overviews
from companion.tui.factory import OpenReview, build_app
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.client_table import FIRST_ROWS, ClientTable

TODAY = date(2026, 11, 25)


def add_clients(store: Store, protocols: ProtocolLibrary, count: int) -> list[Client]:
    """COUNT clients named out of order; every third one with a session and an overdue action."""
    grow = protocols.get("grow")
    clients = []
    for n in range(count):
        client = store.add_client(Client(name=f"Client {(n * 7) % count:04d}"))
        assert client.id is not None
        if n % 3 == 0:
            session = store.add_session(
                Session(
                    client_id=client.id,
                    protocol_id=grow.id,
                    protocol_snapshot=grow.model_dump_json(),
                    started_at=datetime(2026, 11, 2, 9, 0),
                    ended_at=datetime(2026, 11, 2, 10, 0),
                )
            )
            store.add_action(
                Action(
                    client_id=client.id,
                    session_id=session.id,
                    text="Call the sponsor",
                    due_on=date(2026, 11, 20),
                )
            )
        clients.append(client)
    return clients


def names(clients: ClientList) -> list[str]:
    return [item.client.name for item in clients.overviews]


def test_a_first_page_then_the_rest_in_name_order(store: Store, protocols: ProtocolLibrary) -> None:
    add_clients(store, protocols, 11)
    everyone = client_overviews(store, today=TODAY)
    assert everyone.complete and everyone.total == 11
    assert names(everyone) == [f"Client {n:04d}" for n in range(11)]
    page = client_overviews(store, today=TODAY, first=4)
    assert names(page) == names(everyone)[:4]
    assert page.total == 11 and not page.complete
    rest = client_overviews(store, today=TODAY, offset=4)
    assert names(rest) == names(everyone)[4:]
    assert rest.overviews == everyone.overviews[4:]
    with_work = [item for item in everyone.overviews if item.sessions]
    assert len(with_work) == 4
    assert {(item.open_actions, item.overdue_actions) for item in with_work} == {(1, 1)}
    assert all(item.last_session_at == datetime(2026, 11, 2, 9, 0) for item in with_work)


@pytest.mark.parametrize("first", [None, 5])
def test_two_queries_however_many_clients(
    first: int | None, protocols: ProtocolLibrary, tmp_path: Any
) -> None:
    counts = []
    for count in (6, 40):
        store = Store.open(tmp_path / f"{count}-{first}.db")
        try:
            add_clients(store, protocols, count)
            with counting(store) as statements:
                found = client_overviews(store, today=TODAY, first=first)
            assert len(found.overviews) == (first or count)
            counts.append(len(statements))
        finally:
            store.close()
    assert counts == [2, 2]


@sync
async def test_the_review_shows_a_first_page_then_every_client(
    store: Store, protocols: ProtocolLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)
    total = FIRST_ROWS + 9
    add_clients(store, protocols, total)
    shown: list[int] = []
    original = ClientTable.show

    def show(table: ClientTable, overviews: Any) -> None:
        shown.append(len(overviews))
        original(table, overviews)

    monkeypatch.setattr(ClientTable, "show", show)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#clients", ClientTable)
        for _ in range(20):
            if table.row_count == total:
                break
            await pilot.pause()
        assert shown[:2] == [FIRST_ROWS, total]
        assert table.row_count == total
        rows = [table.get_row_at(row)[0].plain for row in range(total)]
        assert rows == [f"Client {n:04d}" for n in range(total)]
        status = text_of(app.screen.query_one("#review-status", Label))
        assert status.startswith(f"{total} clients")
        await pilot.press("ctrl+end", "enter")  # the last client, read with the rest
        await settle(pilot)
        assert app.screen.client_id == table.shown[-1].client.id  # type: ignore[attr-defined]
