"""The closing screen's fields: the goal scores, the takeaways and the next date, read and checked.

What the coach typed is checked as a whole when the close is asked for (and again as they fix it);
the screen then stores what these read (ClosingEntries), or sets it aside when the practice
refuses (see closing_refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static, TextArea

from companion.core.models import Action, GoalProgress
from companion.tui.dialogs.forms import goal_label
from companion.tui.screens.closing_actions import ClosingActions, actions_to_store
from companion.tui.widgets.inputs import FormField, ScoreValidator, parse_date, parse_score


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


class ClosingFields(ClosingActions):
    """The scores, takeaways and next date of the closing screen (ClosingScreen builds on it)."""

    def _score_rows(
        self, goals: list[GoalProgress], typed: dict[int, str]
    ) -> list[Horizontal | Static]:
        """A row per goal to score; its score as TYPED on an earlier closing screen, else the
        one stored for this session."""
        if not goals:
            return [Static("No active goals to score.", classes="no-goals")]
        rows: list[Horizontal | Static] = []
        for item in goals:
            last = "—" if item.previous_score is None else str(item.previous_score)
            current = "" if item.score is None else str(item.score)
            if item.goal.id in typed:
                current = typed[item.goal.id]
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

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter moves on, as Tab does (closing the session takes ctrl+s or the button); on a
        score or date that does not parse it stays there and says why."""
        event.stop()
        if event.validation_result is not None and not event.validation_result.is_valid:
            self._show_problems(self._problems())
            return
        self.focus_next()

    @on(Input.Changed)
    def _recheck(self) -> None:
        if self.query_one("#closing-error", Static).has_class("-shown"):
            self._show_problems(self._problems())
