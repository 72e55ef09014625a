"""End of a session: confirm the actions, score the goals, note the takeaways, set the next date.

The actions come pre-filled from the notes' ``- [ ]`` lines (private ``//`` lines never) and from
those already stored for the session, one line per text. Nothing is written until "Close session":
then one atomic `Store.finish_session` call stores it all and the store stamps the end time.
"Back to session" (Escape) writes nothing, and nothing on this screen touches the notes; what was
entered is kept for the next F10 (closing_draft.py). The takeaways have the focus first: words
typed straight after F10 land there, not on the action list, whose keys are letters.

When the practice refuses the close (a full disk, a read-only file, a lock held) nothing is lost
(closing_refused.py): it stays on the screen and is set aside in the session's rescue file, so
quitting (which asks first) or a closed terminal keeps it too. The action list is in
closing_actions.py, the scores, takeaways and next date in closing_fields.py.

An action removed here that was already stored (added on the live screen) is kept as "dropped",
not deleted: finish_session stays the one atomic write, the recap leaves dropped actions out, and a
slip of the space bar never destroys what the coach typed (it is still there to search or restore).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Static, TextArea

from companion.core.markers import markers_line
from companion.store import StoreError
from companion.store.views import ClosingView, closing_view
from companion.tui.dialogs.engagement_dialogs import ends_engagement
from companion.tui.host import host
from companion.tui.saving import describe, passing
from companion.tui.screens.closing_actions import ActionDraft as ActionDraft
from companion.tui.screens.closing_actions import ActionList, view_drafts
from companion.tui.screens.closing_actions import actions_to_store as actions_to_store
from companion.tui.screens.closing_actions import closing_actions as closing_actions
from companion.tui.screens.closing_draft import ClosingDraft, offered, resumed
from companion.tui.screens.closing_fields import ClosingEntries
from companion.tui.screens.closing_fields import takeaway_lines as takeaway_lines
from companion.tui.screens.closing_refused import ClosingRefusal
from companion.tui.widgets.inputs import (
    DATE_PLACEHOLDER,
    DateValidator,
    FormField,
)
from companion.tui.widgets.review_commands import Command, ScreenCommands, widget_commands


class ClosingCommands(ScreenCommands):
    """The screen's keys in the palette, and what the action list's keys do to the chosen action."""

    def commands(self) -> list[Command]:
        commands = super().commands()
        if isinstance(self.screen, ClosingScreen) and self.screen.chosen() is not None:
            commands += widget_commands(self.screen.query_one(ActionList))
        return commands


class ClosingScreen(ClosingRefusal):
    """End of session: dismisses True once the session is closed, False to go back to it (what
    it holds then in `left_as`, for the next closing screen to start from)."""

    CSS_PATH: ClassVar[list[str]] = ["../widgets/inputs.tcss", "closing.tcss"]  # type: ignore[misc]
    COMMANDS = Screen.COMMANDS | {ClosingCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "close_session",
            "Close session",
            priority=True,
            tooltip="Store the actions, scores, takeaways and next date, and end the session",
            id="closing.close-session",
        ),
        Binding(
            "escape",
            "back",
            "Back to session",
            tooltip="Return to the live session, storing nothing from this screen",
            id="closing.back-to-session",
        ),
        Binding(
            "ctrl+n",
            "add_action",
            "Add action",
            priority=True,
            tooltip="Add another action",
            id="closing.add-action",
        ),
    ]

    def __init__(self, session_id: int, kept: ClosingDraft | None = None) -> None:
        """KEPT: what the last closing screen of this session held when the coach went back."""
        super().__init__()
        self.session_id = session_id
        self.kept = kept
        self.left_as: ClosingDraft | None = None
        """What the screen held when the coach went back to the session (Escape)."""
        self.data: ClosingView | None = None
        self.drafts: list[ActionDraft] = []
        self._offered: frozenset[str] = frozenset()
        self._finishing = False
        self._close_when_loaded = False  # ctrl+s came before the session was read
        self.refused = ""
        """Why the practice refused the last close ('the disk is full'); '' when it did not."""
        self.set_aside_in: Path | None = None
        """The rescue file holding what was entered here, while the practice refuses it."""
        self._set_aside_problem = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="closing-banner")
        with VerticalScroll(id="closing"):
            yield Static("", id="summary")
            with Horizontal(id="columns"):
                with Vertical(id="left"):
                    with Vertical(id="actions-box", classes="box") as box:
                        box.border_title = "Actions"
                        box.border_subtitle = (
                            "space keep/remove · Enter edit · o owner · ctrl+n add"
                        )
                        yield ActionList(id="actions")
                    with Vertical(id="scores-box", classes="box") as box:
                        box.border_title = "Goal scores, 0-10"
                        box.border_subtitle = "blank: not scored today"
                        yield Vertical(id="scores")
                with Vertical(id="right"):
                    with Vertical(id="takeaways-box", classes="box") as box:
                        box.border_title = "Takeaways, in the coachee's words"
                        box.border_subtitle = "one per line"
                        yield TextArea(
                            id="takeaways",
                            soft_wrap=True,
                            tab_behavior="focus",
                            placeholder="What the coachee takes away, one per line",
                        )
                    with Vertical(id="next-box", classes="box") as box:
                        box.border_title = "Next session"
                        yield FormField(
                            "Date",
                            Input(
                                placeholder=DATE_PLACEHOLDER,
                                validators=[DateValidator()],
                                validate_on=["submitted"],
                                compact=True,
                                id="next-date",
                            ),
                        )
                    yield Static("", id="closing-error")
                    with Horizontal(id="buttons"):
                        yield Button("Close session", variant="primary", id="close")
                        yield Button("Back to session", id="back")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Closing the session"
        self.load()

    @work(thread=True, exclusive=True, group="closing-load")
    def load(self) -> None:
        try:
            data = closing_view(self.store, self.session_id)
        except StoreError as error:
            self.app.call_from_thread(self._unreadable, str(error))
            return
        self.app.call_from_thread(self.show, data)

    def _unreadable(self, message: str) -> None:
        self.notify(message, title="Cannot close this session", severity="error")
        self.dismiss(False)

    def show(self, data: ClosingView) -> None:
        self.data = data
        kept = self.kept
        fresh = view_drafts(data)
        self.drafts = fresh if kept is None else resumed(kept, fresh)
        self._offered = offered(fresh) | (kept.offered if kept is not None else frozenset())
        number = f"session {data.session_number}"
        if data.sessions_planned:
            number += f" of {data.sessions_planned}"
        started = f"{data.session.started_at:%Y-%m-%d %H:%M}"
        summary = Content.assemble(
            (data.client.name, "bold"),
            f" · {number} · started {started} · planned {data.session.planned_minutes} min",
            (f"\n{markers_line(data.markers)}" if data.markers else "", "dim"),
        )
        if ends_engagement(data.session):  # the closing assessment: what the coaching achieved
            achieved = "; ".join(goal.specific for goal in data.achieved) or "no goal marked yet"
            summary += Content.assemble(
                ("\nClosing this session ends the engagement. ", "$text-warning"),
                ("Achieved: ", "bold"),
                achieved,
            )
        self.query_one("#summary", Static).update(summary)
        self.sub_title = f"Closing: {data.client.name}"
        self._fill_actions()
        typed_scores = kept.scores if kept is not None else {}
        self.query_one("#scores", Vertical).mount_all(self._score_rows(data.goals, typed_scores))
        takeaways = self.query_one("#takeaways", TextArea)
        takeaways.load_text(kept.takeaways if kept is not None else "\n".join(data.takeaways))
        takeaways.move_cursor(takeaways.document.end)
        next_date = self.query_one("#next-date", Input)
        if kept is not None:
            next_date.value = kept.next_date
        elif data.session.next_session_on is not None:
            next_date.value = f"{data.session.next_session_on:%Y-%m-%d}"
        if self.drafts:
            self.query_one("#actions", ActionList).highlighted = 0
        takeaways.focus()  # typing at once after F10 is words, never an action list key
        if self._close_when_loaded:  # F10 then ctrl+s in one motion: close now it is read
            self.action_close_session()

    # -- closing --------------------------------------------------------------------------------

    def action_close_session(self) -> None:
        if self.data is None:
            self._close_when_loaded = True
            return
        if self._finishing:
            return
        problems = self._problems()
        self._show_problems(problems)
        if problems:
            self.query_one(f"#{next(iter(problems))}").focus()
            return
        self._finishing = True
        self.finish(self._entries(), [ActionDraft(d.action, d.kept) for d in self.drafts])

    @work(thread=True, exclusive=True, group="closing-finish")
    def finish(self, entries: ClosingEntries, drafts: list[ActionDraft]) -> None:
        """The one write: all of it or nothing. A finished session keeps its first end time.

        Refused for a passing reason (a full disk...), what was entered is set aside (DRAFTS, as
        the list showed them, and ENTRIES) before the screen hears of it.
        """
        assert self.data is not None
        clock = host(self).clock
        try:
            self.store.finish_session(
                self.session_id,
                # A first close ends now, on the app's clock (the one the live screen shows).
                ended_at=self.data.session.ended_at or clock(),
                actions=entries.actions,
                scores=entries.scores,
                takeaways=entries.takeaways,
                next_session_on=entries.next_session_on,
                end_engagement=ends_engagement(self.data.session),
            )
        except StoreError as error:
            if not passing(error):
                self.app.call_from_thread(self._failed, str(error))
                return
            self._keep_refused(describe(error), entries, drafts)
            return
        if self.set_aside_in is not None and self.store.path is not None:
            from companion.services.rescue import discard_rescues

            discard_rescues(self.store.path, self.session_id)  # all of it is stored now
        self.app.call_from_thread(self._after_close)

    def _after_close(self) -> None:
        self.set_aside_in = None
        self.refused = ""
        # Not awaited: the pop waits for this screen's workers, the finishing one among them.
        self.dismiss(True)

    def _failed(self, message: str) -> None:
        self._finishing = False
        self._say(f"Not closed: {message}")
        self.notify(message, title="Could not close the session", severity="error")

    def action_back(self) -> None:
        if self._finishing:
            return
        if self.data is not None:  # read: keep what it holds for the next F10
            self.left_as = ClosingDraft(
                actions=list(self.drafts),
                offered=self._offered,
                scores={
                    item.goal.id: self.query_one(f"#score-{item.goal.id}", Input).value
                    for item in self.data.goals
                    if item.goal.id is not None
                },
                takeaways=self.query_one("#takeaways", TextArea).text,
                next_date=self.query_one("#next-date", Input).value,
            )
        self.dismiss(False)

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close_session()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()
