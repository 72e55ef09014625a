"""A question over a screen, answered with one key, that typing cannot answer by accident.

Questions come up as a session opens (resume it? did it go on during the gap? restore the
rescued notes? a new client?), while the coach may already be typing what the client says.
Before this, the "r" of "board" resumed a session and the words before it were gone. So an
answer key counts only after a pause in typing (PAUSE_SECONDS; the typing may have begun in the
notes before the question showed: the app notes each key typed, see `typing`); any other text
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
from textual.widgets import Static

from companion.tui.host import host

R = TypeVar("R")

PAUSE_SECONDS = 0.8
"""How long typing must pause (or the question have shown) before a letter answers it."""


_last_typed_at = float("-inf")


def typing() -> None:
    """A printable key was typed anywhere in the app (called by the app for each)."""
    global _last_typed_at
    _last_typed_at = Question.clock()


def _answer_keys(bindings: list[BindingType]) -> frozenset[str]:
    """The one-letter keys of BINDINGS: a question's answers."""
    keys = {
        key.strip()
        for binding in bindings
        if isinstance(binding, Binding)
        for key in binding.key.split(",")
    }
    return frozenset(key for key in keys if len(key) == 1)


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

    def on_mount(self) -> None:
        self._last_key_at = _last_typed_at  # typing in the notes as it showed counts

    def on_key(self, event: events.Key) -> None:
        global _last_typed_at
        now = type(self).clock()
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
            _last_typed_at = float("-inf")  # an answer, not typing: the next question may follow
            return  # to the binding
        else:
            self.typed += event.character
        self._last_key_at = now
        event.stop()
        event.prevent_default()
        self._show_typed()

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
        if self.typed:
            typed, self.typed = self.typed, ""
            host(self).keep_typed(typed)
        return super().dismiss(result)
