"""Keys act in the order they were typed, however fast they come.

Textual hands each key to the focused widget's own queue and goes on to the next key at once. At
burst speed (a paste, a fast typist, a laggy SSH link: a whole field in one write to the terminal)
that misroutes keys: the keys after F2 reach the notes or nothing while the form is still mounting,
the keys after Enter land in the field being left, and ctrl+s or ctrl+q act before the widget has
taken the characters typed just before them.

The gate fixes the order without slowing plain typing. Characters and a widget's own editing keys
(backspace, arrows) go straight through. A key that may move focus or act on what was typed (any
binding of the screen or the app, Enter, Tab, Escape) closes the gate: it waits until every widget
on the screen has handled what it already holds, then acts, then waits again until its effects have
settled (a form mounted and focused, focus moved), and only then lets the held keys through, in
order, to wherever focus now is.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

MOVING_KEYS = frozenset({"enter", "tab", "shift+tab", "escape"})
"""Keys that may move focus even when they are the focused widget's own binding."""
SETTLE_ROUNDS = 3
"""Rounds of 'every widget has handled its queue': a key, the message it posts, what follows."""
SETTLE_TIMEOUT = 2.0
"""The longest the gate stays closed on a widget that never answers (the keys then go on)."""

Held = events.Key | events.Paste


class KeyGate:
    """Holds the keys that come after an acting key until that key has done its work."""

    def __init__(self, app: App[object], dispatch: Callable[[events.Event], Awaitable[None]]):
        """DISPATCH is the app's own event handling (App.on_event) that the gate defers to."""
        self.app = app
        self._dispatch = dispatch
        self._held: list[Held] | None = None
        self._settling: asyncio.Task[None] | None = None  # kept: asyncio holds tasks weakly

    @property
    def closed(self) -> bool:
        return self._held is not None

    async def take(self, event: events.Event) -> bool:
        """True when the gate takes EVENT (held, or dispatched later); False: handle it as usual."""
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        if self._held is not None:
            self._held.append(event)
            return True
        if isinstance(event, events.Key) and self._acts(event):
            self._close([event], act_first=True)
            return True
        return False

    def _acts(self, key: events.Key) -> bool:
        """Whether KEY may move focus or read what the keys before it typed."""
        if key.key in MOVING_KEYS:
            return True
        try:
            bindings = self.app.screen.active_bindings
        except Exception:  # no screen yet
            return False
        focused = self.app.focused
        for name in (key.key, *key.aliases):
            active = bindings.get(name)
            if active is not None and active.node is not focused:
                return True
        return False

    def _close(self, keys: list[Held], *, act_first: bool) -> None:
        self._held = keys
        self._settling = asyncio.create_task(self._settle_then(act_first))

    async def _settle_then(self, act_first: bool) -> None:
        try:
            await asyncio.wait_for(self._settle(), SETTLE_TIMEOUT)
        except TimeoutError:
            pass
        finally:
            if not self.app.call_later(self._open, act_first):
                self._held = None  # the app is closing: nothing left to deliver to

    async def settled(self, *, with_app: bool = False) -> None:
        """Wait (a bounded time) until the keys held and the widgets' queues are all handled.

        WITH_APP also waits for the app's own queue (keys not yet forwarded): only from a task
        of its own, never from the app's queue itself, which would wait on itself.
        """
        for _ in range(20):
            if self._held is None:
                break
            await asyncio.sleep(0.02)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settle(with_app), SETTLE_TIMEOUT)

    async def _settle(self, with_app: bool = False) -> None:
        """Wait until every widget of the current screen has handled the messages it holds."""
        for _ in range(SETTLE_ROUNDS):
            screen = self.app.screen
            pumps: list[MessagePump] = [screen, *screen.walk_children(with_self=False)]
            if with_app:
                pumps.insert(0, self.app)
            loop = asyncio.get_running_loop()
            waits: list[asyncio.Future[None]] = []
            for pump in pumps:
                done: asyncio.Future[None] = loop.create_future()
                if pump.call_later(done.set_result, None):
                    waits.append(done)
            if waits:
                await asyncio.gather(*waits)

    async def _open(self, act_first: bool) -> None:
        """On the app's queue: deliver the held keys in order, closing again where one acts."""
        keys, self._held = self._held or [], None
        if act_first and keys:
            await self._dispatch(keys.pop(0))
            self._close(keys, act_first=False)  # let what it did settle before the rest
            return
        while keys:
            first = keys[0]
            if isinstance(first, events.Key) and self._acts(first):
                self._close(keys, act_first=True)
                return
            await self._dispatch(keys.pop(0))
