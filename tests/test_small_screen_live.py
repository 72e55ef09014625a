"""The live screen at 80x24: the current step's purpose and first two prompts in sight without
scrolling, step titles readable, and toggling the sidebar keeps the notes' cursor in view."""

from __future__ import annotations

import textwrap

import pytest
from test_live import Clock, live_app, new_session, settle, sync
from test_snapshots_small import BUILT_IN
from textual.containers import VerticalScroll
from textual.widgets import Static

from companion.core.protocols import ProtocolLibrary
from companion.services.practice import begin_session
from companion.store import Store
from companion.tui.factory import OpenHome, OpenReview, build_app
from companion.tui.screens.live import LiveScreen
from companion.tui.widgets.protocol_pane import StepList


@pytest.mark.parametrize("protocol_id", BUILT_IN)
@sync
async def test_purpose_and_two_prompts_in_sight_at_80x24(
    store: Store, protocols: ProtocolLibrary, protocol_id: str
) -> None:
    session = begin_session(store, protocols, "Ana Lopez", protocol_id=protocol_id)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.has_class("-short")
        detail = screen.query_one("#step-detail", VerticalScroll)
        purpose = screen.query_one("#step-purpose", Static)
        prompts = screen.query_one("#step-prompts", Static)
        step = protocols.get(protocol_id).steps[0]
        width = prompts.content_region.width
        needed = sum(len(textwrap.wrap(f"• {p}", width)) for p in step.prompts[:2])
        assert detail.scroll_y == 0
        assert purpose.region.bottom <= detail.region.bottom
        assert prompts.region.y + needed <= detail.region.bottom, (protocol_id, needed)
        steps = screen.query_one(StepList)
        assert steps.region.height <= 3  # the steps around the current one
        assert screen.query_one("#protocol").region.width >= 28  # titles readable


@sync
async def test_the_step_list_follows_the_current_step(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        for _ in range(3):
            await pilot.press("ctrl+n")
            await settle(pilot, app)
        steps = app.screen.query_one(StepList)
        assert steps.highlighted == 3
        assert steps.scroll_y == 2  # the one before, this one, the one after


@sync
async def test_toggling_the_sidebar_keeps_the_cursor_in_view(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen)
        long_line = "the client talks about the team and the new role at some length " * 2
        screen.notes.load_text("\n".join(f"{n} {long_line}" for n in range(30)))
        screen.notes.move_cursor(screen.notes.document.end)
        await settle(pilot, app)
        for _ in range(2):  # shown (the notes narrow and re-wrap), then hidden again
            await pilot.press("ctrl+t")
            for _ in range(20):  # the re-wrap and the scroll land over a few frames (bounded)
                await settle(pilot, app)
                notes = screen.notes
                _, y = notes.cursor_screen_offset
                if notes.content_region.y <= y < notes.content_region.bottom:
                    break
            assert notes.content_region.y <= y < notes.content_region.bottom


def footer_fits(screen: object) -> bool:
    from textual.widgets import Footer

    footers = list(screen.query(Footer))  # type: ignore[attr-defined]
    return bool(footers) and all(footer.max_scroll_x == 0 for footer in footers)


@sync
async def test_the_footer_never_overflows_at_80_columns(
    store: Store, protocols: ProtocolLibrary
) -> None:
    session = new_session(store, protocols)
    app = live_app(store, protocols, session, Clock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        for keys in ([], ["ctrl+t"], ["ctrl+t", "f10"], ["ctrl+s"]):  # live, sidebar, close, recap
            for key in keys:
                await pilot.press(key)
                await settle(pilot, app)
            await settle(pilot, app)
            assert footer_fits(app.screen), (keys, type(app.screen).__name__)


@sync
async def test_the_review_footers_fit_at_80_columns(
    store: Store, protocols: ProtocolLibrary
) -> None:
    from review_practice import build_review_practice
    from test_review import RecordingApp
    from test_review import settle as settle_review

    build_review_practice(store, protocols)
    for start, keys in (
        ("home", []),
        ("home", ["down"]),  # the client list focused: its keys and F1
        ("review", []),
        ("review", ["enter"]),
        ("review", ["enter", "down", "enter"]),
        ("review", ["enter", "down", "enter", "v"]),
        ("review", ["enter", "down", "enter", "e"]),
    ):
        app = build_app(
            OpenHome() if start == "home" else OpenReview(),
            store,
            protocols,
            app_class=RecordingApp,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await settle_review(pilot)
            for key in keys:
                await pilot.press(key)
                await settle_review(pilot)
            assert footer_fits(app.screen), (start, keys, type(app.screen).__name__)
            await pilot.press("escape")
            await settle_review(pilot)
