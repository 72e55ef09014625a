"""The sidebar's goals follow the store: lines updated in place when their number holds, the
list rebuilt when a goal (or a SMARTE letter) comes or goes."""

from __future__ import annotations

from test_live import Clock, live, live_app, new_session, settle, settle_loaded, sync
from textual.containers import Vertical
from textual.widgets import Static

from companion.core.models import Goal
from companion.core.protocols import ProtocolLibrary
from companion.store import Store


def goal_texts(app) -> list[str]:  # type: ignore[no-untyped-def]
    box = app.screen.query_one("#goals", Vertical)
    return [str(line.content) for line in box.query_children(Static)]


@sync
async def test_goals_in_the_sidebar_follow_the_store(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_loaded(pilot, app)
        assert any("None yet" in text for text in goal_texts(app))

        first = store.add_goal(
            Goal(
                client_id=session.client_id, engagement_id=session.engagement_id, specific="Run 5k"
            )
        )
        live(app).refresh_sidebar()
        await settle(pilot, app)
        assert any("Run 5k" in text for text in goal_texts(app))
        widgets_before = list(app.screen.query_one("#goals", Vertical).query_children(Static))

        store.save_goal(first.model_copy(update={"specific": "Run 10k"}))
        live(app).refresh_sidebar()
        await settle(pilot, app)
        texts = goal_texts(app)
        assert any("Run 10k" in text for text in texts) and not any("5k" in t for t in texts)
        widgets_after = list(app.screen.query_one("#goals", Vertical).query_children(Static))
        assert widgets_after == widgets_before  # the same lines, updated in place

        store.add_goal(
            Goal(client_id=session.client_id, engagement_id=session.engagement_id, specific="Sleep")
        )
        live(app).refresh_sidebar()
        await settle(pilot, app)
        texts = goal_texts(app)
        assert any("Run 10k" in t for t in texts) and any("Sleep" in t for t in texts)
