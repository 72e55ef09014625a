"""End of a session: confirm the actions, score the goals, note the takeaways, set the next date.

The actions come pre-filled from the notes' ``- [ ]`` lines (private ``//`` lines never) and from
those already stored for the session, one line per text. Nothing is written until "Close session":
then one atomic `Store.finish_session` call stores it all and the store stamps the end time.
"Back to session" (Escape) writes nothing, and nothing on this screen touches the notes.

When the practice refuses the close (a full disk, a read-only file, a lock held) nothing is lost:
everything entered stays on the screen, a banner says why and how to retry (ctrl+s again), and it
is all set aside as text, after the notes, in the session's rescue file (see services.rescue), so
quitting (which asks first) or a closed terminal keeps it too: the next time the session is opened
it is offered back, its actions as ``- [ ]`` lines the closing screen picks up again.

An action removed here that was already stored (added on the live screen) is kept as "dropped",
not deleted: finish_session stays the one atomic write, the recap leaves dropped actions out, and a
slip of the space bar never destroys what the coach typed (it is still there to search or restore).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static, TextArea

from companion.core.markers import markers_line
from companion.core.models import Action, Goal, GoalProgress
from companion.store import Store, StoreError
from companion.store.views import ClosingView, closing_view
from companion.tui.dialogs.engagement_dialogs import ends_engagement
from companion.tui.dialogs.forms import goal_label
from companion.tui.host import host
from companion.tui.saving import describe, passing
from companion.tui.screens.closing_actions import ActionDraft as ActionDraft
from companion.tui.screens.closing_actions import ActionList, ClosingActions, view_drafts
from companion.tui.screens.closing_actions import actions_to_store as actions_to_store
from companion.tui.screens.closing_actions import closing_actions as closing_actions
from companion.tui.widgets.inputs import (
    DATE_PLACEHOLDER,
    DateValidator,
    FormField,
    ScoreValidator,
    parse_date,
    parse_score,
)
from companion.tui.widgets.review_commands import Command, ScreenCommands, widget_commands

_WHAT_TO_DO = {
    "the disk is full": "Free some space on that disk",
    "the practice file is read-only": "Make the practice file and its folder writable",
    "another program holds the practice locked": "Close the other program using the practice",
}
"""What the coach can do about a refused close, by the reason (see tui.saving.describe)."""


def takeaway_lines(text: str) -> list[str]:
    """One takeaway per non-blank line, without a list bullet the coach may have typed."""
    found = []
    for line in text.splitlines():
        item = line.strip()
        for bullet in ("- ", "* ", "• "):
            if item.startswith(bullet):
                item = item[len(bullet) :].strip()
        if item:
            found.append(item)
    return found


@dataclass(frozen=True)
class ClosingEntries:
    """What the coach confirmed on the closing screen: what the one write stores."""

    actions: list[Action]
    scores: dict[int, int]
    takeaways: list[str]
    next_session_on: date | None


def set_aside_text(
    notes: str,
    drafts: list[ActionDraft],
    entries: ClosingEntries,
    goals: list[Goal],
    problem: str,
    at: datetime,
) -> str:
    """The notes, then what the closing screen held, as text a coach reads and companion reuses.

    Each kept action is a ``- [ ]`` line (the next closing screen offers it again), its owner and
    due date on the line below; then the removed ones, the scores, the takeaways, the next date.
    """
    lines = [f"## Closing, not stored ({problem}, {at:%a %d %b %H:%M})"]
    for draft in drafts:
        action = draft.action
        if not draft.kept:
            lines.append(f"Removed: {action.text}")
            continue
        lines.append(f"- [ ] {action.text}")
        details = [action.owner, f"due {action.due_on:%Y-%m-%d}" if action.due_on else ""]
        lines.append("  " + " · ".join(part for part in details if part))
    names = {goal.id: goal.specific for goal in goals}
    for goal_id, score in entries.scores.items():
        lines.append(f"Score {score}/10: {names.get(goal_id, f'goal {goal_id}')}")
    lines += [f"Takeaway: {text}" for text in entries.takeaways]
    if entries.next_session_on is not None:
        lines.append(f"Next session: {entries.next_session_on:%Y-%m-%d}")
    before = "" if not notes or notes.endswith("\n") else "\n"
    return f"{notes}{before}\n" + "\n".join(lines) + "\n"


class ClosingCommands(ScreenCommands):
    """The screen's keys in the palette, and what the action list's keys do to the chosen action."""

    def commands(self) -> list[Command]:
        commands = super().commands()
        if isinstance(self.screen, ClosingScreen) and self.screen.chosen() is not None:
            commands += widget_commands(self.screen.query_one(ActionList))
        return commands


class ClosingScreen(ClosingActions):
    """End of session: dismisses True once the session is closed, False to go back to it."""

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

    def __init__(self, session_id: int) -> None:
        super().__init__()
        self.session_id = session_id
        self.data: ClosingView | None = None
        self.drafts: list[ActionDraft] = []
        self._finishing = False
        self._close_when_loaded = False  # ctrl+s came before the session was read
        self.refused = ""
        """Why the practice refused the last close ('the disk is full'); '' when it did not."""
        self.set_aside_in: Path | None = None
        """The rescue file holding what was entered here, while the practice refuses it."""
        self._set_aside_problem = ""

    @property
    def store(self) -> Store:
        return host(self).store

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
        self.drafts = view_drafts(data)
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
        self.query_one("#scores", Vertical).mount_all(self._score_rows(data.goals))
        self.query_one("#takeaways", TextArea).load_text("\n".join(data.takeaways))
        if data.session.next_session_on is not None:
            self.query_one("#next-date", Input).value = f"{data.session.next_session_on:%Y-%m-%d}"
        actions = self.query_one("#actions", ActionList)
        if self.drafts:
            actions.highlighted = 0
        actions.focus()
        if self._close_when_loaded:  # F10 then ctrl+s in one motion: close now it is read
            self.action_close_session()

    def _score_rows(self, goals: list[GoalProgress]) -> list[Horizontal | Static]:
        if not goals:
            return [Static("No active goals to score.", classes="no-goals")]
        rows: list[Horizontal | Static] = []
        for item in goals:
            last = "—" if item.previous_score is None else str(item.previous_score)
            current = "" if item.score is None else str(item.score)
            row = Horizontal(
                Label(goal_label(item.goal, 60), classes="score-goal"),
                Label(f"last {last}", classes="score-last"),
                Input(
                    current,
                    placeholder="0-10",
                    restrict=r"\d{0,2}",
                    validators=[ScoreValidator()],
                    validate_on=["submitted"],
                    compact=True,
                    classes="score",
                    id=f"score-{item.goal.id}",
                ),
                classes="score-row",
            )
            rows.append(row)
        rows.append(Static("", id="score-error"))
        return rows

    # -- closing --------------------------------------------------------------------------------

    def _problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for score in self.query(".score").results(Input):
            try:
                parse_score(score.value)
            except ValueError as error:
                problems[score.id or ""] = str(error)
        try:
            parse_date(self.query_one("#next-date", Input).value)
        except ValueError as error:
            problems["next-date"] = str(error)
        return problems

    def _show_problems(self, problems: dict[str, str]) -> None:
        for score in self.query(".score").results(Input):
            score.set_class((score.id or "") in problems, "-invalid")
        score_problems = [m for k, m in problems.items() if k.startswith("score-")]
        if self.query("#score-error"):
            error = self.query_one("#score-error", Static)
            error.update(score_problems[0] if score_problems else "")
            error.set_class(bool(score_problems), "-shown")
        next_field = self.query_one("#next-date", Input).parent
        while next_field is not None and not isinstance(next_field, FormField):
            next_field = next_field.parent
        if isinstance(next_field, FormField):
            next_field.show_error(problems.get("next-date"))
        self._say("Please correct the fields marked above." if problems else "")

    def _say(self, message: str) -> None:
        error = self.query_one("#closing-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

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

    def _entries(self) -> ClosingEntries:
        """What the screen holds now, to store; ValueError for a field that does not parse."""
        assert self.data is not None
        scores: dict[int, int] = {}
        for item in self.data.goals:
            value = parse_score(self.query_one(f"#score-{item.goal.id}", Input).value)
            if value is not None and item.goal.id is not None:
                scores[item.goal.id] = value
        return ClosingEntries(
            actions_to_store(self.drafts),
            scores,
            takeaway_lines(self.query_one("#takeaways", TextArea).text),
            parse_date(self.query_one("#next-date", Input).value),
        )

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
            problem = describe(error)
            text = set_aside_text(
                self.data.notes, drafts, entries, self.data.action_goals, problem, clock()
            )
            self._set_aside(text, clock())
            self.app.call_from_thread(self._refused, problem)
            return
        self.app.call_from_thread(self._after_close)

    def _set_aside(self, text: str, at: datetime) -> None:
        """TEXT to the session's rescue file (off the event loop: it writes to the disk)."""
        from companion.services.rescue import write_rescue

        path = self.store.path
        if path is None:  # an in-memory practice (tests): nowhere beside it
            self._set_aside_problem = "the practice has no folder"
            return
        try:
            self.set_aside_in = write_rescue(path, self.session_id, text, at)
            self._set_aside_problem = ""
        except OSError as error:
            self._set_aside_problem = describe(error)

    def _where_kept(self) -> str:
        if self.set_aside_in is not None:
            return f"kept on this screen, and set aside with the notes in {self.set_aside_in}"
        return f"kept on this screen only (it could not be set aside: {self._set_aside_problem})"

    def _refused(self, problem: str) -> None:
        """The practice refused the close: keep it all, say so plainly, and let the coach retry."""
        self._finishing = False
        self.refused = problem
        banner = self.query_one("#closing-banner", Static)
        todo = _WHAT_TO_DO.get(problem, "Once the practice takes writes again")
        banner.update(
            f"NOT CLOSED: {problem}. Everything entered here is {self._where_kept()}. "
            f"{todo}, then press ctrl+s (Close session) again; quitting asks first."
        )
        banner.set_class(True, "-shown")
        self._say(f"Not closed: {problem}. Nothing entered here is lost: ctrl+s tries again.")
        self.notify(
            f"{problem.capitalize()}: nothing entered here is lost; ctrl+s tries again.",
            title="NOT CLOSED",
            severity="error",
            timeout=15,
        )

    def set_aside(self) -> str:
        """Quitting while the close is refused: what the screen holds now set aside; where, in
        words (a field that does not parse leaves the file as the last refused close wrote it)."""
        assert self.data is not None
        with contextlib.suppress(ValueError):
            clock = host(self).clock
            text = set_aside_text(
                self.data.notes,
                self.drafts,
                self._entries(),
                self.data.action_goals,
                self.refused,
                clock(),
            )
            self._set_aside(text, clock())
        if self.set_aside_in is not None:
            return (
                f"The closing entries are set aside with the notes in {self.set_aside_in}, "
                "offered back when the session is next opened."
            )
        return "The closing entries could not be set aside."

    def _after_close(self) -> None:
        if self.set_aside_in is not None and self.store.path is not None:
            from companion.services.rescue import discard_rescues

            discard_rescues(self.store.path, self.session_id)  # all of it is stored now
            self.set_aside_in = None
        self.refused = ""
        # Not awaited: the pop waits for this screen's workers, the finishing one among them.
        self.dismiss(True)

    def _failed(self, message: str) -> None:
        self._finishing = False
        self._say(f"Not closed: {message}")
        self.notify(message, title="Could not close the session", severity="error")

    def action_back(self) -> None:
        if not self._finishing:
            self.dismiss(False)

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close_session()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter moves on, as Tab does: closing the session takes ctrl+s or the button."""
        event.stop()
        self.focus_next()

    @on(Input.Changed)
    def _recheck(self) -> None:
        if self.query_one("#closing-error", Static).has_class("-shown"):
            self._show_problems(self._problems())
