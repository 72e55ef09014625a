"""What the screens may ask of the app: a typed seam, so screens never import the app.

`CompanionApp` satisfies `Host`; a screen reaches it as `host(self)` rather than through an
untyped `self.app`. The app imports its screens; the screens import only this module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

T = TypeVar("T")

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from companion.core.models import RecapFormat, Session
    from companion.core.protocols import ProtocolLibrary
    from companion.core.terms import SessionStart
    from companion.store import Store


@dataclass(frozen=True)
class ResumeCandidate:
    """A client's unfinished session, offered before another one is started."""

    client_name: str
    session: Session
    step_title: str
    """The step it was left on ('?' when its protocol cannot be read)."""


class Host(Protocol):
    """The app as its screens see it."""

    clock: Callable[[], datetime]
    """The time now, for everything a screen shows or records (tests freeze it)."""
    autosave_seconds: float
    nudge_minutes: int
    lease_token: str
    cursor_blink: bool
    keymap: dict[str, str]
    """The coach's own keys (binding id -> keys), for lists of keys a screen shows."""
    recap_format: RecapFormat
    """The form a recap is copied in: recap.format in config.toml (Markdown unless set)."""

    @property
    def store(self) -> Store: ...

    @property
    def protocols(self) -> ProtocolLibrary: ...

    @property
    def practice_open(self) -> bool: ...

    def give_up(self, problem: str) -> None: ...

    def new_session(self, start: SessionStart) -> int: ...

    def resume_candidate(self, start: SessionStart) -> ResumeCandidate | None: ...

    def ask_resume(
        self,
        found: ResumeCandidate,
        *,
        resume: Callable[[int], None],
        begin: Callable[[], None],
        cancelled: Callable[[], None],
    ) -> None: ...

    def replace_screen(self, screen: Screen[Any]) -> None: ...

    def open_session(self, session_id: int) -> None: ...

    typed_pending: str
    """Words typed into a question and not yet in a session's notes (see keep_typed)."""

    def keep_typed(self, text: str) -> None: ...

    def start_or_resume(self, start: SessionStart) -> None: ...

    def return_home(self) -> None: ...

    def open_review(self, client_id: int | None = None, client_name: str | None = None) -> None: ...


def from_worker(node: DOMNode, callback: Callable[..., object], *args: object) -> None:
    """From a worker thread: run CALLBACK(*ARGS) on the event loop of NODE's app; nothing if
    the app has closed meanwhile (the worker outlived it)."""
    import contextlib

    with contextlib.suppress(RuntimeError):
        node.app.call_from_thread(callback, *args)


def read_then(
    node: DOMNode, refused: str, read: Callable[[], T], then: Callable[[T], object]
) -> None:
    """READ the practice in a worker thread, then THEN(what was read) on NODE's event loop; a
    refusal in words, titled REFUSED ("Contract not read"). For what a form or question shows:
    the writer may hold the practice (a slow or full disk), and a key must not freeze the
    screen meanwhile. A second call before the first read is back replaces it (one form opens,
    not two)."""
    from textual.worker import get_current_worker

    from companion.core.errors import CompanionError

    def run() -> None:
        try:
            found = read()
        except CompanionError as error:
            problem = str(error)
            from_worker(node, lambda: node.app.notify(problem, title=refused, severity="error"))
            return
        if not get_current_worker().is_cancelled:
            from_worker(node, then, found)

    node.run_worker(run, thread=True, exclusive=True, group="form-reads", name=refused)


def give_up_from_thread(node: DOMNode, error: Exception) -> None:
    """From a worker thread: the practice would not open (ERROR says why in one line), so the
    app ends and the command line says so, as `companion start` does."""
    from_worker(node, host(node).give_up, str(error))


def host(node: DOMNode) -> Host:
    """The app running NODE, as a Host."""
    return cast("Host", node.app)
