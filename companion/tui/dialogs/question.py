"""A question over a screen, answered with one key, that typing cannot answer by accident.

Questions come up as a session opens (resume it? did it go on during the gap? restore the
rescued notes? a new client?), while the coach may already be typing what the client says.
Before this, the "r" of "board" resumed a session and the words before it were gone. So an
answer key counts only after a pause in typing (PAUSE_SECONDS; the typing may have begun in the
notes before the question showed: the app notes each key typed, see `typing`), and only if no
more text follows it at once (SETTLE_SECONDS): the "n" of "now she says", typed or pasted after
the coach read the question, begins the words instead of starting a new session. Any other text
typed is kept, shown in the box, and handed to the app when the question closes, whatever the
answer (the notes of the session that opens, or the next one: see Host.keep_typed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static

from companion.tui.host import host

R = TypeVar("R")

PAUSE_SECONDS = 0.8
"""How long typing must pause (or the question have shown) before a letter answers it."""
SETTLE_SECONDS = 0.3
"""How long after an answer key no other text may come for it to answer: faster than anyone
reads what the key did, slower than the keys of a word (tests set 0: answered at once)."""


_last_typed_at = float("-inf")


def typing() -> None:
    """A printable key was typed anywhere in the app (called by the app for each)."""
    global _last_typed_at
    _last_typed_at = Question.clock()


def _answer_keys(bindings: list[BindingType]) -> dict[str, str]:
    """The one-letter keys of BINDINGS, a question's answers, and the action each runs."""
    return {
        key.strip(): binding.action
        for binding in bindings
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
        if len(key.strip()) == 1
    }


class Question(ModalScreen[R]):
    """A modal whose one-letter bindings are its answers; typed text is kept, never lost."""

    clock: ClassVar[Callable[[], float]] = time.monotonic
    """Monotonic seconds (tests replace it)."""

    def __init__(self) -> None:
        super().__init__()
        self.typed = ""
        """Text typed while the question was up (for the notes)."""
        self._last_key_at = float("-inf")
        self._answers = _answer_keys(type(self).BINDINGS)
        self._pending: str | None = None
        """An answer key typed after a pause, waiting SETTLE_SECONDS for text after it."""
        self._settle_timer: Timer | None = None

    def on_mount(self) -> None:
        self._last_key_at = _last_typed_at  # typing in the notes as it showed counts

    def on_key(self, event: events.Key) -> None:
        now = type(self).clock()
        if self._pending is not None:  # a key right after an answer key
            taken_back = event.key == "backspace"
            self._settle_pending(None if taken_back else not event.is_printable)
            if taken_back or not event.is_printable:  # Enter after "y": the answer, no more
                event.stop()
                event.prevent_default()
                return
        if event.key == "backspace" and self.typed:
            self.typed = self.typed[:-1]
        elif event.key == "enter" and self.typed:
            if self.enter_after_typing():
                event.stop()
                return
            self.typed += "\n"
        elif not event.is_printable or event.character is None:
            return  # escape, arrows, function keys: the bindings' and the app's
        elif event.key in self._answers and now - self._last_key_at >= PAUSE_SECONDS:
            if SETTLE_SECONDS <= 0:
                self._answered()
                return  # to the binding
            self._pending = event.character  # an answer if no text follows it at once
            self._settle_timer = self.set_timer(SETTLE_SECONDS, self._settle_pending)
        else:
            self.typed += event.character
        self._last_key_at = now
        event.stop()
        event.prevent_default()
        self._show_typed()

    def _settle_pending(self, answered: bool | None = True) -> None:
        """The answer key held back: ANSWERED (nothing followed it) runs its binding's action;
        False: it was the first letter of the text typed after it, kept with it; None: taken
        back (backspace), neither."""
        key, self._pending = self._pending, None
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        if key is None:
            return
        if answered:
            self._answered()
            self.call_later(self.run_action, self._answers[key])
        elif answered is not None:
            self.typed += key
            self._show_typed()

    @staticmethod
    def _answered() -> None:
        global _last_typed_at
        _last_typed_at = float("-inf")  # an answer, not typing: the next question may follow

    def enter_after_typing(self) -> bool:
        """Enter once text is typed: True if it answered (NewClientQuestion adds the client);
        else it is a new line of the kept text."""
        return False

    def typed_hint(self) -> Content:
        """What the box says under the kept text."""
        return Content.styled(
            "They go into the notes. Stop typing a moment to answer with a key.", "dim"
        )

    def _show_typed(self) -> None:
        found = self.query("#typed-kept").results(Static)
        kept = next(found, None)
        if kept is None:
            kept = Static(id="typed-kept")
            box = self.query("Vertical").first()
            box.mount(kept)
        kept.display = bool(self.typed)
        shown = " ".join(self.typed.split())
        shown = shown if len(shown) <= 48 else "…" + shown[-47:]
        kept.update(
            Content.assemble(
                Content.styled("Kept for the notes: ", "dim"), shown, "\n", self.typed_hint()
            )
        )

    def dismiss(self, result: R | None = None):  # type: ignore[no-untyped-def,override]
        """Closed, whatever the answer: what was typed goes to the app first."""
        if self._settle_timer is not None:  # closed another way (a button) meanwhile
            self._settle_timer.stop()
        if self._pending is not None:
            self.typed += self._pending
            self._pending = None
        if self.typed:
            typed, self.typed = self.typed, ""
            host(self).keep_typed(typed)
        return super().dismiss(result)
