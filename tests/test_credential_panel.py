"""The review's credential panel through Pilot: hidden, shown with `c`, the command's figures."""

from __future__ import annotations

import asyncio
import inspect
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from companion.core import terms
from companion.core.models import Engagement, Session
from companion.core.protocols import ProtocolLibrary
from companion.store import Store
from companion.tui.app import CompanionApp
from companion.tui.factory import OpenReview, build_app
from companion.tui.widgets.credential_panel import CredentialPanel

TODAY = date(2026, 12, 1)


class ReviewApp(CompanionApp):
    _BASE_PATH = inspect.getfile(CompanionApp)


@pytest.fixture
def practice(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Two clients, 90 min paid each in November; the session of 2024 is before training."""
    config = tmp_path / "config.toml"
    config.write_text("[credential]\ntraining_started = 2025-01-01\n", encoding="utf-8")
    monkeypatch.setenv("COMPANION_CONFIG", str(config))
    monkeypatch.setattr(terms, "today", lambda: TODAY)
    for name, start in [
        ("Ana Lopez", "2026-11-02T10:00:00"),
        ("Ben Okafor", "2026-11-09T10:00:00"),
        ("Ben Okafor", "2024-03-01T10:00:00"),
    ]:
        client = store.get_or_create_client(name)[0]
        engagement = store.engagements(client.id) or [  # type: ignore[arg-type]
            store.add_engagement(Engagement(client_id=client.id))  # type: ignore[arg-type]
        ]
        began = datetime.fromisoformat(start)
        store.add_session(
            Session(
                client_id=client.id,  # type: ignore[arg-type]
                engagement_id=engagement[0].id,
                protocol_id="grow",
                started_at=began,
                ended_at=began + timedelta(minutes=90),
                duration_seconds=90 * 60,
            )
        )
    return store


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_c_shows_the_credential_progress_and_hides_it_again(
    practice: Store, protocols: ProtocolLibrary
) -> None:
    async def run() -> None:
        app = build_app(OpenReview(), practice, protocols, app_class=ReviewApp)
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(pilot)
            panel = app.screen.query_one(CredentialPanel)
            assert not panel.display and panel.lines == []  # not read until asked for
            await pilot.press("c")
            await _settle(pilot)
            assert panel.display
            # 3 h in 90 days: 18 months at that pace hold 18 h, short of ACC's 25 recent hours.
            assert panel.lines == [
                "3.00 h (3.00 paid) · 2 clients · 3.00 h in 18 months · pace 1.0 h/month",
                "ACC  97.00 h, 72.00 paid h, 6 clients, 22.00 h in 18 months to go · "
                "not at this pace",
                "PCC  497.00 h, 447.00 paid h, 23 clients, 47.00 h in 18 months to go · "
                "not at this pace",
                # 2497 h at 3 h in 90 days: 74,910 days, beyond the hundred-year horizon.
                "MCC  2497.00 h, 2247.00 paid h, 33 clients to go · not at this pace",
            ]
            assert panel.border_subtitle == "since 2025-01-01"
            assert "ACC  97.00 h" in str(panel.render())
            await pilot.press("c")
            await _settle(pilot)
            assert not panel.display

    asyncio.run(run())


def test_the_panel_says_a_wrong_setting(
    practice: Store, protocols: ProtocolLibrary, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text("[credential]\ntraining_started = 12\n", "utf-8")

    async def run() -> None:
        app = build_app(OpenReview(), practice, protocols, app_class=ReviewApp)
        async with app.run_test(size=(80, 24)) as pilot:
            await _settle(pilot)
            await pilot.press("c")
            await _settle(pilot)
            (line,) = app.screen.query_one(CredentialPanel).lines
            assert "credential.training_started" in line

    asyncio.run(run())
