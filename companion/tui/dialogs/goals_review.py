"""Goals through their life, in a session: each active goal with its scores drawn, and one key
per status. The tool behind the review protocol's "objectives reached?" and "adjust or set
objectives" steps (a `capture = "goals_review"` step), and f12 on the live screen at any time.

a achieved, j adjusted (a form for the new version, linked to the old), x dropped, r active
again, e edit its SMARTE fields. Each change is written at once, off the event loop, dated the
session's day; the screen dismisses with True when anything changed (the sidebar reads again).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, ListItem, ListView, Static

from companion.core.errors import CompanionError
from companion.core.models import Goal, GoalProgress, GoalStatus
from companion.store import Store
from companion.tui.widgets.review_goals import ScoreSparkline, score_trail

STATUS_MARK: dict[str, str] = {
    "active": "active",
    "achieved": "✓ achieved",
    "adjusted": "↻ adjusted",
    "dropped": "✗ dropped",
}


def goal_heading(goal: Goal) -> Content:
    """The goal's words, then its status (and day) dimmed."""
    day = f" {goal.status_on:%d %b}" if goal.status_on and goal.status != "active" else ""
    due = f" · due {goal.timely:%d %b %Y}" if goal.timely else ""
    return Content.assemble(
        (goal.specific, "bold"), (f"  {STATUS_MARK[goal.status]}{day}{due}", "$text-muted")
    )


class GoalRow(ListItem):
    """One goal: its words and status, its scores as a sparkline and written out."""

    def __init__(self, progress: GoalProgress) -> None:
        super().__init__()
        self.goal = progress.goal
        self.scores = [score.score for score in progress.scores]

    def compose(self) -> ComposeResult:
        yield Label(goal_heading(self.goal), classes="goal-heading")
        with Horizontal(classes="goal-plot"):
            yield ScoreSparkline(self.scores, classes="goal-sparkline")
            yield Label(score_trail(self.scores), classes="goal-scores")

    def show(self, goal: Goal) -> None:
        self.goal = goal
        self.query_one(".goal-heading", Label).update(goal_heading(goal))


class GoalsReview(ModalScreen[bool]):
    """The client's active goals, to mark achieved, adjusted or dropped, or to edit."""

    CSS_PATH = "goals_review.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "status('achieved')",
            "Achieved",
            tooltip="Mark the highlighted goal achieved, today",
            id="goals-review.achieved",
        ),
        Binding(
            "j",
            "adjust",
            "Adjusted",
            tooltip="Adjust the goal: its new version, linked to this one",
            id="goals-review.adjusted",
        ),
        Binding(
            "x",
            "status('dropped')",
            "Dropped",
            tooltip="Mark the highlighted goal dropped, today",
            id="goals-review.dropped",
        ),
        Binding(
            "r",
            "status('active')",
            "Active",
            tooltip="Make the goal active again",
            id="goals-review.active",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            tooltip="Edit the goal's SMARTE fields",
            id="goals-review.edit",
        ),
        Binding(
            "escape",
            "done",
            "Back",
            tooltip="Back to the session",
            id="goals-review.back",
        ),
    ]

    def __init__(self, store: Store, goals: list[GoalProgress], *, today: date) -> None:
        super().__init__()
        self.store = store
        self.goals = goals
        self.today = today
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="goals-review") as box:
            box.border_title = "Goals review"
            box.border_subtitle = "a achieved · j adjusted · x dropped · r active · e edit"
            if self.goals:
                yield ListView(*(GoalRow(progress) for progress in self.goals), id="goal-rows")
            else:
                yield Static("No active goals: f5 adds one.", id="no-goals")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.goals:
            self.query_one(ListView).focus()

    def _row(self) -> GoalRow | None:
        if not self.goals:
            return None
        item = self.query_one(ListView).highlighted_child
        return item if isinstance(item, GoalRow) else None

    def action_status(self, status: GoalStatus) -> None:
        row = self._row()
        if row is not None and row.goal.id is not None and row.goal.status != status:
            self._write_status(row, row.goal.id, status)

    @work(thread=True, group="goals-review")
    def _write_status(self, row: GoalRow, goal_id: int, status: GoalStatus) -> None:
        try:
            goal = self.store.set_goal_status(goal_id, status, self.today)
        except CompanionError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._shown, row, goal)

    def _shown(self, row: GoalRow, goal: Goal) -> None:
        self.changed = True
        row.show(goal)

    def action_edit(self) -> None:
        from companion.tui.dialogs.forms import GoalForm

        row = self._row()
        if row is None:
            return

        def edited(goal: Goal | None) -> None:
            if goal is not None:
                self._save(row, goal)

        self.app.push_screen(GoalForm(row.goal), edited)

    @work(thread=True, group="goals-review")
    def _save(self, row: GoalRow, goal: Goal) -> None:
        try:
            saved = self.store.save_goal(goal)
        except CompanionError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._shown, row, saved)

    def action_adjust(self) -> None:
        from companion.tui.dialogs.forms import GoalForm

        row = self._row()
        if row is None or row.goal.id is None or row.goal.status == "adjusted":
            return
        old_id = row.goal.id
        form = GoalForm(row.goal.model_copy(update={"id": None}))
        form.heading = "Adjust the goal: its new version"

        def adjusted(goal: Goal | None) -> None:
            if goal is not None:
                self._adjust(row, old_id, goal)

        self.app.push_screen(form, adjusted)

    @work(thread=True, group="goals-review")
    def _adjust(self, row: GoalRow, old_id: int, goal: Goal) -> None:
        try:
            fresh = self.store.adjust_goal(old_id, goal, self.today)
            old = self.store.get_goal(old_id)
        except CompanionError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._adjusted, row, old, fresh)

    def _adjusted(self, row: GoalRow, old: Goal, fresh: Goal) -> None:
        self._shown(row, old)
        progress = GoalProgress(goal=fresh)
        rows = self.query_one(ListView)
        rows.insert(rows.children.index(row) + 1, [GoalRow(progress)])

    def action_done(self) -> None:
        self.dismiss(self.changed)
