"""What every part of the live screen shares: the session's state and the ways to reach it.

The live screen is one Screen built from parts, each in its own module: opening the session
(live_open), holding it (live_hold), saving it (live_saving), recording agreements, goals,
actions and follow-ups (live_record), its steps and clock (live_steps), and the screen itself
with its layout and keys (live). Each part is a class over `LiveBase`, which holds the state
they share and names what each expects of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer

from companion.tui.host import Host, host
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.widgets.sidebar import ReviewList

if TYPE_CHECKING:  # loaded after the first paint (see live_open)
    from companion.core.models import Client, Session, StepTiming
    from companion.core.protocols import Protocol
    from companion.core.terms import SessionStart
    from companion.store import Store
    from companion.store.views import SidebarView
    from companion.tui.hold import SessionHold
    from companion.tui.saving import Autosave, SessionWriter

T = TypeVar("T")


class LiveBase(Screen[None]):
    """The state of one session in progress, shared by the live screen's parts."""

    def __init__(
        self,
        session_id: int | None = None,
        *,
        start: SessionStart | None = None,
        typed: str = "",
    ) -> None:
        """Show session SESSION_ID, or the one START asks for (resumed or created once open).
        TYPED: words typed before the screen opened, kept as if typed into its notes."""
        super().__init__()
        assert session_id is not None or start is not None
        self.session_id: int = session_id or 0
        self.start = start
        self.typed_before = typed
        self.loaded = False
        """True once the session is read and shown; until then only the notes take input."""
        self.session_open = False
        """The notes belong to a session: edits are saved."""
        self.session: Session
        self.protocol: Protocol
        self.client: Client
        self.timing: StepTiming | None = None
        self.hold: SessionHold | None = None
        """This window's lease on the session and the time it counts (once it is open)."""
        self.writer: SessionWriter | None = None
        """Every write of this session, in order, off the event loop (once it is open)."""
        self.autosave: Autosave | None = None
        self._saved_sign: Timer | None = None
        """Shows "saved" on the border once the notes have stayed saved (see live_saving)."""
        self.retired = False
        self.read_only = False
        """Shown, not written: the session is open for writing in another window."""
        self._notes_widget: NotesArea | None = None

    @property
    def host(self) -> Host:
        return host(self)

    @property
    def store(self) -> Store:
        return self.host.store

    def clock(self) -> datetime:
        """The time now; the app may replace it (snapshot tests freeze it)."""
        return self.host.clock()

    @property
    def notes(self) -> NotesArea:
        assert self._notes_widget is not None
        return self._notes_widget

    @property
    def review_list(self) -> ReviewList:
        return self.query_one("#to-review", ReviewList)

    def action_focus_notes(self) -> None:
        self.notes.focus()

    # -- what the parts provide each other (see LiveScreen for where each lives) ---------

    def save_now(self) -> None:
        raise NotImplementedError  # live_saving

    def flush_notes(self) -> bool:
        raise NotImplementedError  # live_saving

    def changed_notes(self) -> None:
        raise NotImplementedError  # live_saving

    def start_saving(self) -> None:
        raise NotImplementedError  # live_saving

    def stop_saving(self) -> None:
        raise NotImplementedError  # live_saving

    def record(
        self, label: str, write: Callable[[], T], then: Callable[[T], None] | None = None
    ) -> None:
        raise NotImplementedError  # live_saving

    def enter_step(self, index: int) -> None:
        raise NotImplementedError  # live_steps

    def refresh_sidebar(self) -> None:
        raise NotImplementedError  # live_record

    def show_running(self) -> None:
        raise NotImplementedError  # live_steps: the clock and the bindings, once filled in

    def stop_running(self) -> None:
        raise NotImplementedError  # live_steps

    def title_line(self) -> Content:
        raise NotImplementedError  # live

    def show_sidebar(self) -> None:
        raise NotImplementedError  # live

    def sidebar_data(self) -> SidebarView:
        raise NotImplementedError  # live_record

    def retire(self) -> None:
        raise NotImplementedError  # live_hold

    def start_heartbeat(self) -> None:
        raise NotImplementedError  # live_hold
