"""`companion start` for a client whose unfinished session another live window holds: the offer
to view it or begin another comes at once, not a "resume it?" that could only end in it."""

from __future__ import annotations

import os

from test_live import settle_saved
from test_review import settle, sync

from companion.core.models import now
from companion.core.protocols import ProtocolLibrary
from companion.core.terms import SessionStart
from companion.services.practice import begin_session
from companion.store import Store
from companion.store.lease import this_host
from companion.tui.dialogs.live_dialogs import ResumeOffer, SessionBusy
from companion.tui.factory import StartSession, build_app
from companion.tui.screens.live import LiveScreen


@sync
async def test_a_session_open_elsewhere_offers_view_or_new_at_once(
    store: Store, protocols: ProtocolLibrary
) -> None:
    held = begin_session(store, protocols, "Maria Keller", protocol_id="grow")
    assert held.id is not None
    store.take_lease(held.id, token="the-other-window", pid=os.getpid(), host=this_host(), at=now())
    app = build_app(StartSession(SessionStart("Maria Keller")), store, protocols)
    app.autosave_seconds = 0.01
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionBusy)
        assert not any(isinstance(screen, ResumeOffer) for screen in app.screen_stack)
        await pilot.press("n")  # a session of its own
        await settle_saved(pilot, app)
        screen = app.screen
        assert isinstance(screen, LiveScreen) and screen.session_id != held.id


@sync
async def test_a_session_nobody_has_open_is_offered_to_resume(
    store: Store, protocols: ProtocolLibrary
) -> None:
    begin_session(store, protocols, "Maria Keller", protocol_id="grow")
    app = build_app(StartSession(SessionStart("Maria Keller")), store, protocols)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeOffer)
