"""Snapshots of the contract form and the goals review over the live screen, at 80x24."""

from __future__ import annotations

from typing import Any

from conftest import SamplePractice
from test_snapshots_live import snapshot_app

from companion.core.protocols import ProtocolLibrary
from companion.store import Store


async def _opened(pilot: Any, key: str) -> None:
    await pilot.pause()
    for _ in range(50):  # the live screen loads in a worker: until the form is up
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if pilot.app.screen.is_modal:
            break
        await pilot.press(key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_contract_form_at_80x24(
    snap_compare: Any, sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    app = snapshot_app(store, protocols, sample)

    async def run_before(pilot: Any) -> None:
        await _opened(pilot, "f9")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_goals_review_at_80x24(
    snap_compare: Any, sample: SamplePractice, store: Store, protocols: ProtocolLibrary
) -> None:
    app = snapshot_app(store, protocols, sample)

    async def run_before(pilot: Any) -> None:
        await _opened(pilot, "f12")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
