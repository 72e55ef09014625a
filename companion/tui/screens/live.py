"""The live session: protocol pane, notes, clock and sidebar, beside the video call.

LiveScreen is made of parts, each a module of its own: opening the session (live_open), holding it
(live_hold), saving it (live_saving: the notes autosaved, every write off the event loop, faults
kept and shown), recording agreements, goals, actions and follow-ups (live_record), the steps and
the clock (live_steps), and here the layout and the keys. The notes are the one thing that must
never be lost.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from companion.core.notes import LEGEND
from companion.tui.screens.live_commands import LiveCommands
from companion.tui.screens.live_hold import LiveHolding
from companion.tui.screens.live_open import LiveOpening
from companion.tui.screens.live_record import LiveRecording
from companion.tui.screens.live_saving import LiveSaving
from companion.tui.screens.live_steps import LiveSteps
from companion.tui.widgets.clock import SessionClock
from companion.tui.widgets.notes_pane import NotesArea
from companion.tui.widgets.protocol_pane import ProtocolPane
from companion.tui.widgets.sidebar import Sidebar

__all__ = ["LiveScreen"]

NUDGE_MINUTES = 10
"""The default for when the clock starts nudging towards the closing steps."""
WIDE_ENOUGH_FOR_SIDEBAR = 100
"""Below this many columns the sidebar starts hidden (ctrl+t shows it)."""


class LiveScreen(LiveOpening, LiveHolding, LiveSaving, LiveRecording, LiveSteps):
    """One session in progress. Reads the store on open; writes through its writer."""

    CSS_PATH: ClassVar[list[str]] = [  # type: ignore[misc]
        "../widgets/protocol_pane.tcss",
        "../widgets/sidebar.tcss",
        "live.tcss",
    ]
    COMMANDS = Screen.COMMANDS | {LiveCommands}
    AUTO_FOCUS = "#notes"
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (32, "-tall")]
    """Under 32 rows (24, half a laptop screen) the step list shrinks to the steps around the
    current one, so its purpose and prompts show without scrolling."""
    BINDINGS: ClassVar[list[BindingType]] = [
        # The Footer shows the short description; the palette and F1 add the tooltip.
        Binding(
            "ctrl+n",
            "next_step",
            "Next step",
            priority=True,
            tooltip="Move to the protocol's next step",
            id="live.next-step",
        ),
        Binding(
            "ctrl+o",
            "previous_step",
            "Prev",
            priority=True,
            tooltip="Go back one step",
            id="live.previous-step",
        ),
        Binding(
            "f2",
            "agreement",
            "Agreement",
            priority=True,
            tooltip="Set the session agreement: topic, desired outcome, measure of success",
            id="live.agreement",
        ),
        Binding(
            "f4",
            "add_action",
            "Action",
            priority=True,
            tooltip="Add an action the client commits to",
            id="live.add-action",
        ),
        Binding(
            "f5",
            "add_goal",
            "Goal",
            priority=True,
            tooltip="Add a SMARTE goal for the client",
            id="live.add-goal",
        ),
        Binding(
            "f9",
            "edit_contract",
            "Edit coaching contract",
            priority=True,
            show=False,
            tooltip="The engagement: sponsor, confidentiality, sessions planned, billing, aim",
            id="live.contract",
        ),
        Binding(
            "f12",
            "goals_review",
            "Goals review",
            priority=True,
            show=False,
            tooltip="Each goal with its scores: mark it achieved, adjusted or dropped, or edit it",
            id="live.goals-review",
        ),
        Binding(
            "f10",
            "end_session",
            "End",
            priority=True,
            tooltip="End the session: actions, scores, takeaways, next date, then the recap",
            id="live.end-session",
        ),
        Binding(
            "f1",
            "show_keys",
            "Keys",
            priority=True,
            tooltip="Every key of this screen",
            id="live.keys",
        ),
        Binding(
            "ctrl+g",
            "jump",
            "Jump to step…",
            priority=True,
            show=False,
            tooltip="Choose any step by number",
            id="live.jump",
        ),
        Binding(
            "ctrl+r",
            "review",
            "Follow up earlier actions",
            priority=True,
            show=False,
            tooltip="Mark them done, dropped or carried forward",
            id="live.follow-up",
        ),
        Binding(
            "ctrl+t,f3",
            "toggle_sidebar",
            "Toggle sidebar",
            priority=True,
            show=False,
            tooltip="Show or hide the engagement, goals and actions",
            id="live.sidebar",
        ),
        Binding(
            "ctrl+s",
            "save_notes",
            "Save notes now",
            priority=True,
            show=False,
            tooltip="Write the notes to disk (they autosave anyway)",
            id="live.save",
        ),
        Binding(
            "f8",
            "copy_recap",
            "Copy recap",
            priority=True,
            show=False,
            tooltip="Copy the draft recap for the client",
            id="live.copy-recap",
        ),
        Binding(
            "ctrl+l",
            "focus_notes",
            "Focus notes",
            priority=True,
            show=False,
            tooltip="Back to typing",
            id="live.focus-notes",
        ),
    ]

    ALWAYS_READY: ClassVar[frozenset[str]] = frozenset({"focus_notes", "show_keys"})
    """Actions that work before the session is loaded; the others wait for it."""
    READ_ONLY_READY: ClassVar[frozenset[str]] = frozenset(
        {"focus_notes", "show_keys", "toggle_sidebar", "copy_recap"}
    )
    """What a read-only view of a session open in another window still does."""

    _sidebar_choice: bool | None = None  # None: by the terminal's width

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """The frame, from the request alone: no database read before the first paint."""
        name = self.start.client_name if self.start is not None else ""
        with Horizontal(id="top-bar"):
            yield Static(Content.styled(name, "bold"), id="session-title")
            yield SessionClock(Content.styled("opening…", "dim"), id="clock")
        banner = Static(id="save-banner")
        banner.display = False
        yield banner
        with Horizontal(id="body"):
            yield ProtocolPane(None, 0, id="protocol")
            self._notes_widget = NotesArea(self.typed_before, id="notes")
            yield self._notes_widget
            sidebar = Sidebar(id="sidebar")
            sidebar.border_title = "Engagement · goals · actions"
            yield sidebar
        yield Footer(compact=True)

    def title_line(self) -> Content:
        started = f"{self.session.started_at:%a %d %b %H:%M}"
        return Content.assemble(
            (self.client.name, "bold"), (f" · {self.protocol.name} · {started}", "dim")
        )

    def keep_typed(self, text: str) -> None:
        """Words typed into a question over this screen: into the notes, as if typed there."""
        self.notes.insert(text)
        self.notes.scroll_cursor_visible()

    def on_mount(self) -> None:
        self.notes.cursor_blink = self.host.cursor_blink
        if self.typed_before:  # the coach goes on after the words typed before it opened
            self.notes.move_cursor(self.notes.document.end)
        self._apply_sidebar()
        self.set_timer(0.5, self._open)  # in case the notes never show (a tiny terminal)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only:
            return action in self.READ_ONLY_READY  # False: not shown in the footer either
        return True if self.loaded or action in self.ALWAYS_READY else None

    def on_resize(self) -> None:
        self._apply_sidebar()

    def _apply_sidebar(self) -> None:
        shown = self._sidebar_choice
        if shown is None:
            shown = self.app.size.width >= WIDE_ENOUGH_FOR_SIDEBAR
        self.query_one(Sidebar).display = shown

    def show_sidebar(self) -> None:
        self._sidebar_choice = True
        self._apply_sidebar()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        self._sidebar_choice = not sidebar.display
        self._apply_sidebar()
        if not sidebar.display and sidebar.has_focus_within:
            self.action_focus_notes()
        # The notes change width and re-wrap; they keep the line being typed in view (on_resize).

    # -- keys --------------------------------------------------------------------------------

    def action_save_notes(self) -> None:
        self.save_now()
        if self.writer is not None and self.writer.failing:
            self.writer.retry()
            self.notify(f"Not saved yet: {self.report.problem}. Kept here; retrying.", timeout=4)
        else:
            self.notify("Notes saved.", timeout=2)

    def action_show_keys(self) -> None:
        from companion.tui.keys import key_rows
        from companion.tui.widgets.keys_help import KeysHelp
        from companion.tui.widgets.sidebar import ReviewList

        keymap = self.host.keymap
        keys = key_rows(self.app, self.BINDINGS, keymap)
        keys += [
            ("tab", "Next pane (steps, notes, sidebar)"),
            ("Enter", "On a step: jump to it"),
        ]
        keys += [
            (shown, f"On an earlier action: {what}")
            for shown, what in key_rows(self.app, ReviewList.BINDINGS, keymap)
        ]
        keys += [
            ("ctrl+p", "Command palette: every action by name"),
            ("ctrl+q", "Quit (the notes are saved first)"),
        ]
        self.app.push_screen(KeysHelp(keys, LEGEND))
