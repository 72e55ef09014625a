"""The session view's footer fits 80 columns in every case (a search's match keys, an unfinished
session's resume key): what it leaves out is still a key, in the palette and the keys panel."""

from __future__ import annotations

import pytest
from review_practice import TODAY, build_review_practice
from test_review import RecordingApp, sync
from test_search_lands import search_and_open
from test_small_screen_live import footer_fits

from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.factory import OpenReview, build_app
from companion.tui.widgets import review_format as fmt


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "today", lambda: TODAY)


@pytest.mark.parametrize(("query", "finished"), [("feedback", True), ("energy", False)])
@sync
async def test_a_session_from_a_search_has_a_footer_that_fits(
    store: Store, protocols: ProtocolLibrary, query: str, finished: bool
) -> None:
    build_review_practice(store, protocols)
    app = build_app(OpenReview(), store, protocols, app_class=RecordingApp)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_and_open(pilot, query)
        assert screen.view is not None and screen.view.record.is_finished == finished
        assert screen.places  # n / N have matches to go to
        assert footer_fits(screen), [
            (key.key, key.description) for key in screen.query("FooterKey")
        ]
        active = {binding.action for _, binding, _, _ in screen.active_bindings.values()}
        # left out of the footer, still keys (the palette and F1 list the active bindings)
        assert {"next_match", "previous_match", "previous", "next", "search"} <= active
        assert ("resume" in active) != finished
