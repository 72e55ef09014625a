"""The sidebar: the engagement, today's agreement, the client's goals, and actions to follow up."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:  # the sidebar is drawn empty first; the records come after the first paint
    from companion.core.models import Action, Agreement, Goal, Session
    from companion.store.views import SidebarView

Review = Literal["done", "dropped", "carried"]


def review_state(action: Action, session_id: int | None) -> str:
    """How an earlier action stands in this session's check-in."""
    if action.status == "done":
        return "done"
    if action.status == "dropped":
        return "dropped"
    if action.reviewed_session_id is not None and action.reviewed_session_id == session_id:
        return "carried forward"
    return "open"


_STATE_MARK = {"done": "✓", "dropped": "✗", "carried forward": "→", "open": "•"}


def action_label(action: Action, session_id: int | None, today: date | None = None) -> Content:
    state = review_state(action, session_id)
    parts: list[str | tuple[str, str]] = [f"{_STATE_MARK[state]} ", action.text]
    if action.due_on is not None:
        overdue = state == "open" and action.is_overdue(today)
        parts.append((f" · due {action.due_on:%d %b}", "$text-warning" if overdue else "dim"))
    if state != "open":
        parts.append((f" · {state}", "$text-success" if state == "done" else "dim"))
    return Content.assemble(*parts)


def agreement_lines(agreement: Agreement) -> Content:
    if agreement.is_empty:
        return Content.styled("Not set yet: f2 sets it.", "dim italic")
    rows = [
        ("Topic", agreement.topic),
        ("Outcome", agreement.desired_outcome),
        ("Measure", agreement.measure_of_success),
    ]
    return Content("\n").join(
        Content.assemble((f"{name}: ", "bold"), value or "—") for name, value in rows
    )


def previous_agreement_line(previous: Session | None) -> Content:
    """Last session's agreement, so today's can pick up where it left off."""
    if previous is None or previous.agreement.is_empty:
        return Content("")
    agreement = previous.agreement
    what = agreement.topic or agreement.desired_outcome or agreement.measure_of_success
    return Content.assemble(
        (f"Last time ({previous.started_at:%d %b}): ", "dim bold"), (what, "dim")
    )


def engagement_lines(data: SidebarView) -> Content:
    engagement = data.engagement
    number = f"Session {data.session_number}"
    if engagement is not None and engagement.sessions_planned:
        number += f" of {engagement.sessions_planned}"
    lines = [Content(number)]
    previous = data.previous
    if (
        data.session_number == 1
        and previous is not None
        and previous.engagement_id != data.session.engagement_id
    ):
        lines.append(Content.styled("New engagement: the last one was closed", "$text-accent"))
    if engagement is not None:
        if engagement.sponsor_name:
            sponsor = engagement.sponsor_name
            if engagement.sponsor_role:
                sponsor += f", {engagement.sponsor_role}"
            lines.append(Content.assemble(("Sponsor: ", "bold"), sponsor))
        if engagement.confidentiality:
            lines.append(Content.styled(engagement.confidentiality, "dim"))
    return Content("\n").join(lines)


def goal_lines(goal: Goal, score: int | None) -> list[Content]:
    """A SMARTE goal, compact: the goal in bold, then one short line per letter filled in."""
    head = Content.assemble(("◆ ", "$text-accent"), (goal.specific, "bold"))
    if score is not None:
        head = head + Content.styled(f"  {score}/10", "$text-success")
    lines = [head]
    for letter, value in (
        ("M", goal.measurable),
        ("A", goal.achievable),
        ("R", goal.realistic),
        ("T", f"by {goal.timely:%d %b %Y}" if goal.timely else ""),
        ("E", goal.ecological),
    ):
        if value:
            lines.append(Content.assemble(("  " + letter + " ", "bold dim"), (value, "dim")))
    return lines


class ReviewList(OptionList):
    """Earlier actions to follow up: d done, x dropped, c carried forward."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "review('done')",
            "Done",
            tooltip="Mark the highlighted action done",
            id="followup.done",
        ),
        Binding(
            "x", "review('dropped')", "Dropped", tooltip="Mark it dropped", id="followup.dropped"
        ),
        Binding(
            "c",
            "review('carried')",
            "Carried forward",
            tooltip="Keep it open for later",
            id="followup.carried-forward",
        ),
        Binding(
            "escape",
            "screen.focus_notes",
            "Back to notes",
            show=False,
            tooltip="Back to typing in the notes",
            id="followup.back-to-notes",
        ),
    ]

    class Reviewed(Message):
        def __init__(self, action_id: int, review: Review) -> None:
            super().__init__()
            self.action_id = action_id
            self.review = review

    def action_review(self, review: Review) -> None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return
        self.post_message(self.Reviewed(int(option.id.removeprefix("action-")), review))


class Sidebar(VerticalScroll):
    """Reads nothing itself: the screen hands it the store's SidebarView (fill, then show)."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)
        self._filled = False

    async def fill(self, data: SidebarView) -> None:
        """Draw the sections into the empty frame (not on the first paint), then show DATA."""
        if not self._filled:
            self._filled = True
            await self.recompose()
        self.show(data)

    def compose(self) -> ComposeResult:
        if not self._filled:
            return
        yield Label("Engagement", classes="heading")
        yield Static("", id="engagement")
        yield Label("Today's agreement", classes="heading")
        yield Static("", id="agreement")
        yield Static("", id="previous-agreement")
        yield Label("Goals", classes="heading")
        yield Vertical(id="goals")
        yield Label("Earlier actions", classes="heading")
        yield Static("", id="review-hint")
        reviews = ReviewList(id="to-review")
        reviews.display = False  # until there are earlier actions to show
        yield reviews
        yield Label("Actions set today", classes="heading")
        yield Static("", id="set-today")

    def _show_goals(self, data: SidebarView) -> None:
        """The goals, line by line: the lines already there are updated in place, since
        mounting new widgets lays the whole sidebar out again (tens of ms on the event loop)."""
        lines: list[tuple[Content | str, str]] = []
        for progress in data.goals:
            head, *letters = goal_lines(progress.goal, progress.last_score)
            lines.append((head, "goal"))
            lines.extend((letter, "smarte") for letter in letters)
        if not lines:
            lines.append((Content.styled("None yet: f5 adds one.", "dim"), ""))
        box = self.query_one("#goals", Vertical)
        shown = list(box.query_children(Static))
        if len(shown) == len(lines):
            for widget, (text, kind) in zip(shown, lines, strict=True):
                widget.update(text)
                widget.set_classes(kind)
            return
        box.remove_children()
        box.mount_all(Static(text, classes=kind) for text, kind in lines)

    def show(self, data: SidebarView) -> None:
        self.query_one("#engagement", Static).update(engagement_lines(data))
        self.query_one("#agreement", Static).update(agreement_lines(data.session.agreement))
        previous = self.query_one("#previous-agreement", Static)
        previous.update(previous_agreement_line(data.previous))
        previous.display = data.previous is not None and not data.previous.agreement.is_empty
        self._show_goals(data)
        reviews = self.query_one("#to-review", ReviewList)
        keep = reviews.highlighted
        reviews.set_options(
            Option(action_label(action, data.session.id), id=f"action-{action.id}")
            for action in data.to_review
        )
        if data.to_review:
            reviews.highlighted = min(keep or 0, len(data.to_review) - 1)
        reviews.display = bool(data.to_review)
        self.query_one("#review-hint", Static).update(
            Content.styled("ctrl+r, then d done · x dropped · c carry", "dim")
            if data.to_review
            else Content.styled("None open.", "dim")
        )
        today = [Content(f"• {action.text}") for action in data.set_today]
        self.query_one("#set-today", Static).update(
            Content("\n").join(today) if today else Content.styled("None yet: f4 adds one.", "dim")
        )
