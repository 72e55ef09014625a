"""The one way to build the app: the command line and the tests both come through here.

What to open is a typed value (tui/opening.py); the store and the protocols may be given open or
as functions that open them (the command line passes openers, so the first paint comes before
pydantic, sqlite-utils and the database). The clock, the autosave delay and the nudge are the
knobs tests turn; APP_CLASS lets a test record what the app is asked to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar, overload

from companion.core.terms import now
from companion.tui.app import CompanionApp, Opener
from companion.tui.opening import (
    OpenHome,
    Opening,
    OpenReview,
    ResumeSession,
    StartSession,
)
from companion.tui.saving import AUTOSAVE_SECONDS

if TYPE_CHECKING:
    from companion.core.protocols import ProtocolLibrary
    from companion.store import Store

__all__ = [
    "OpenHome",
    "OpenReview",
    "Opening",
    "ResumeSession",
    "StartSession",
    "build_app",
]

A = TypeVar("A", bound=CompanionApp)


@overload
def build_app(
    opening: Opening,
    store: Store | Opener[Store],
    protocols: ProtocolLibrary | Opener[ProtocolLibrary],
    *,
    clock: Callable[[], datetime] = ...,
    autosave_seconds: float = ...,
    nudge_minutes: int = ...,
) -> CompanionApp: ...


@overload
def build_app(
    opening: Opening,
    store: Store | Opener[Store],
    protocols: ProtocolLibrary | Opener[ProtocolLibrary],
    *,
    app_class: type[A],
    clock: Callable[[], datetime] = ...,
    autosave_seconds: float = ...,
    nudge_minutes: int = ...,
) -> A: ...


def build_app(
    opening: Opening,
    store: Store | Opener[Store],
    protocols: ProtocolLibrary | Opener[ProtocolLibrary],
    *,
    app_class: type[CompanionApp] = CompanionApp,
    clock: Callable[[], datetime] = now,
    autosave_seconds: float = AUTOSAVE_SECONDS,
    nudge_minutes: int = 10,
) -> CompanionApp:
    """The app that opens on OPENING over STORE and PROTOCOLS (open, or their openers)."""
    return app_class(
        store,
        protocols,
        opening=opening,
        clock=clock,
        nudge_minutes=nudge_minutes,
        autosave_seconds=autosave_seconds,
    )
