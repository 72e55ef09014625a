"""Modal forms: the session agreement, a SMARTE goal, an action.

Each form takes the record to edit and dismisses with the edited copy (validated), or with None on
Escape / Cancel; it never writes to the store: the screen that opened it decides what to save.
A new goal or action has no text yet, which the models refuse, so `new_goal()` / `new_action()`
make the blank drafts to pass in.

Keyboard-first: Tab / shift+Tab move between fields, Enter goes to the next text field and saves on
the last one, ctrl+s saves from anywhere, Escape cancels. A field with a problem says so under
itself and the form stays open until every field is right; Enter on such a field stays there, so
what the coach types next mends it instead of landing in (and replacing) the next field.

One behaviour for a pre-filled field in every form: reaching it (the form opening, Enter, Tab,
shift+Tab) selects its text, so typing replaces it, which is what a coach typing a whole new date
or name expects; Home, End or an arrow drops the selection to edit in place, and a click puts the
cursor where it lands. Textual's Input does this itself (`select_on_focus`): no form turns it off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Generic, TypeVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Select, Static

from companion.core.models import (
    ACTION_OWNERS,
    ACTION_STATUSES,
    GOAL_STATUSES,
    Action,
    Agreement,
    Goal,
    now,
)
from companion.tui.widgets.inputs import (
    DATE_PLACEHOLDER,
    DateValidator,
    ExactInput,
    FieldSelect,
    FormField,
    parse_date,
)

T = TypeVar("T")

GOAL_LABEL_WIDTH = 48
"""How much of a goal's text a goal picker shows."""


def new_goal(client_id: int, engagement_id: int | None = None) -> Goal:
    """A blank goal to hand to GoalForm for adding (the form fills in the required text)."""
    return Goal.model_construct(client_id=client_id, engagement_id=engagement_id, specific="")


def new_action(client_id: int, session_id: int | None = None, goal_id: int | None = None) -> Action:
    """A blank action to hand to ActionForm for adding (the form fills in the required text)."""
    return Action.model_construct(
        client_id=client_id, session_id=session_id, goal_id=goal_id, text=""
    )


def goal_label(goal: Goal, width: int = GOAL_LABEL_WIDTH) -> str:
    """A goal's text on one line, shortened to WIDTH characters."""
    text = " ".join(goal.specific.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _date_text(value: object) -> str:
    return "" if value is None else f"{value:%Y-%m-%d}"


class FormScreen(ModalScreen[T | None], Generic[T]):
    """What every form shares: the dialog frame, Save / Cancel, inline errors, Enter to move on."""

    CSS_PATH: ClassVar[list[str]] = ["../widgets/inputs.tcss", "forms.tcss"]  # type: ignore[misc]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            priority=True,
            tooltip="Check the form and save it",
            id="form.save",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close the form, changing nothing",
            id="form.cancel",
        ),
    ]
    heading = "Form"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog") as dialog:
            dialog.border_title = self.heading
            dialog.border_subtitle = "Enter next field · ctrl+s save · Esc cancel"
            yield from self.fields()
            yield Static("", id="form-error")
            with Horizontal(id="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def fields(self) -> ComposeResult:
        """The form's own FormFields, in Tab order."""
        yield from ()

    def on_mount(self) -> None:
        first = self.query(Input).first()
        first.focus()

    # -- what a form defines ------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What is wrong, by the id of the field: empty when the form can be saved."""
        return {}

    def result(self) -> T:
        """The edited record; only called once problems() is empty."""
        raise NotImplementedError

    # -- reading fields -------------------------------------------------------------------------

    def text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def choice(self, field_id: str) -> object:
        value = self.query_one(f"#{field_id}", Select).value
        return None if value == Select.NULL else value

    def date_problem(self, field_id: str) -> str | None:
        try:
            parse_date(self.text(field_id))
        except ValueError as error:
            return str(error)
        return None

    def date(self, field_id: str) -> object:
        return parse_date(self.text(field_id))

    # -- checking and saving --------------------------------------------------------------------

    def _field(self, field_id: str) -> FormField | None:
        widget = self.query_one(f"#{field_id}")
        return next((a for a in widget.ancestors if isinstance(a, FormField)), None)

    def _show(self, problems: dict[str, str], *, only: set[str] | None = None) -> None:
        for form_field in self.query(FormField):
            field_id = form_field.field.id or ""
            if only is None or field_id in only:
                form_field.show_error(problems.get(field_id))
        if not problems:
            self._say("")

    def checked(self) -> bool:
        """Mark the fields with problems (focus on the first); True when there are none."""
        problems = self.problems()
        self._show(problems)
        if problems:
            self._say("Please correct the fields marked above.")
            self.query_one(f"#{next(iter(problems))}").focus()
        return not problems

    def action_save(self) -> None:
        if not self.checked():
            return
        try:
            record = self.result()
        except ValidationError as invalid:
            self._say(f"Cannot save: {invalid.errors()[0]['msg']}")
            return
        self.dismiss(record)

    def _say(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _next_or_save(self, event: Input.Submitted) -> None:
        """Enter moves to the next field (a choice too); on the last one it saves."""
        event.stop()
        self.next_field(event.input)

    def next_field(self, widget: Widget) -> None:
        """Focus the field after WIDGET (text fields and choices, in order), or save after the
        last one; while WIDGET has a problem, say it under WIDGET and stay there."""
        problems = self.problems()
        if widget.id in problems:
            self._show(problems, only={widget.id})
            return
        chain = [w for w in self.query("Input, FieldSelect") if w.focusable]
        index = chain.index(widget) if widget in chain else len(chain)
        if index + 1 < len(chain):
            chain[index + 1].focus()
        else:
            self.action_save()

    @on(Input.Blurred)
    def _check_left_field(self, event: Input.Blurred) -> None:
        """Say what is wrong with a field as the coach leaves it, not while they type."""
        if event.input.id and event.input.value.strip():
            self._show(self.problems(), only={event.input.id})

    @on(Input.Changed)
    def _recheck_marked(self, event: Input.Changed) -> None:
        """A marked field loses its mark as soon as it is right."""
        form_field = self._field(event.input.id or "")
        if form_field is not None and form_field.has_error:
            self._show(self.problems(), only={event.input.id or ""})

    @on(Select.Changed)
    def _recheck_select(self, event: Select.Changed) -> None:
        form_field = self._field(event.select.id or "")
        if form_field is not None and form_field.has_error:
            self._show(self.problems(), only={event.select.id or ""})


def _status_field(statuses: Sequence[str], value: str) -> FormField:
    return FormField(
        "Status",
        FieldSelect(
            [(status, status) for status in statuses],
            value=value,
            allow_blank=False,
            compact=True,
            id="status",
        ),
    )


def _date_input(value: object, field_id: str) -> Widget:
    return ExactInput(
        _date_text(value),
        placeholder=DATE_PLACEHOLDER,
        validators=[DateValidator()],
        validate_on=["submitted"],
        compact=True,
        id=field_id,
    )


def _text_input(value: str, placeholder: str, field_id: str) -> Widget:
    return ExactInput(value, placeholder=placeholder, compact=True, id=field_id)


class AgreementForm(FormScreen[Agreement]):
    """Today's session agreement (the session's mini-contract): what the client wants from it."""

    heading = "Session agreement"

    def __init__(self, agreement: Agreement) -> None:
        super().__init__(classes="agreement-form")
        self.draft = agreement

    def fields(self) -> ComposeResult:
        yield FormField(
            "Topic",
            _text_input(self.draft.topic, "What would make this session worthwhile?", "topic"),
        )
        yield FormField(
            "Desired outcome",
            _text_input(
                self.draft.desired_outcome,
                "What does the client want to leave with today?",
                "desired-outcome",
            ),
        )
        yield FormField(
            "Measure of success",
            _text_input(
                self.draft.measure_of_success,
                "How will the client know they got it?",
                "measure-of-success",
            ),
        )

    def result(self) -> Agreement:
        return Agreement(
            topic=self.text("topic"),
            desired_outcome=self.text("desired-outcome"),
            measure_of_success=self.text("measure-of-success"),
        )


class GoalForm(FormScreen[Goal]):
    """Add (goal.id is None) or edit a SMARTE goal."""

    def __init__(self, goal: Goal) -> None:
        super().__init__(classes="goal-form")
        self.draft = goal
        self.heading = "Add a goal" if goal.id is None else "Edit the goal"

    def fields(self) -> ComposeResult:
        goal = self.draft
        yield FormField(
            "Specific",
            _text_input(goal.specific, "The goal, in the client's own words", "specific"),
            required=True,
        )
        yield FormField(
            "Measurable",
            _text_input(goal.measurable, "How will both of you know it is reached?", "measurable"),
        )
        yield FormField(
            "Achievable",
            _text_input(
                goal.achievable, "Within the client's reach? With what resources?", "achievable"
            ),
        )
        yield FormField(
            "Realistic",
            _text_input(
                goal.realistic, "Does it fit the client's situation and constraints?", "realistic"
            ),
        )
        yield FormField("Timely (due)", _date_input(goal.timely, "timely"))
        yield FormField(
            "Ecological",
            _text_input(
                goal.ecological,
                "Good for the life around it: people, health, values?",
                "ecological",
            ),
        )
        if goal.id is not None:  # a status only means something once it exists
            yield _status_field(GOAL_STATUSES, goal.status)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text("specific"):
            problems["specific"] = "Required: what the client wants, in their words"
        if (problem := self.date_problem("timely")) is not None:
            problems["timely"] = problem
        return problems

    def result(self) -> Goal:
        update: dict[str, object] = {
            "specific": self.text("specific"),
            "measurable": self.text("measurable"),
            "achievable": self.text("achievable"),
            "realistic": self.text("realistic"),
            "timely": self.date("timely"),
            "ecological": self.text("ecological"),
        }
        if self.draft.id is not None:
            update["status"] = self.choice("status")
        return Goal.model_validate(self.draft.model_dump() | update)


class ActionForm(FormScreen[Action]):
    """Add (action.id is None) or edit an action: what, who, by when, towards which goal."""

    def __init__(self, action: Action, goals: list[Goal], *, sponsor: str = "") -> None:
        super().__init__(classes="action-form")
        self.draft = action
        self.goals = goals
        self.owners: list[str] = [
            owner
            for owner in ACTION_OWNERS
            if owner != "sponsor" or sponsor or action.owner == "sponsor"
        ]
        """Who may own it: the sponsor too in a three-party engagement (SPONSOR their name)."""
        self.heading = (
            "Edit the action" if action.id is not None or action.text else "Add an action"
        )

    def fields(self) -> ComposeResult:
        action = self.draft
        yield FormField(
            "Action",
            _text_input(action.text, "What will be done, in the client's words", "text"),
            required=True,
        )
        yield FormField(
            "Owner",
            FieldSelect(
                [(owner, owner) for owner in self.owners],
                value=action.owner,
                allow_blank=False,
                compact=True,
                id="owner",
            ),
        )
        yield FormField("Due", _date_input(action.due_on, "due"))
        options = [(goal_label(goal), goal.id) for goal in self.goals if goal.id is not None]
        if action.goal_id is not None and action.goal_id not in {g.id for g in self.goals}:
            options.append(("(a goal no longer active)", action.goal_id))
        yield FormField(
            "Goal",
            FieldSelect(
                options,
                value=action.goal_id if action.goal_id is not None else Select.NULL,
                prompt="No goal",
                allow_blank=True,
                compact=True,
                id="goal",
            ),
        )
        if action.id is not None:  # a status only means something once it exists
            yield _status_field(ACTION_STATUSES, action.status)

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text("text"):
            problems["text"] = "Required: what will be done"
        if (problem := self.date_problem("due")) is not None:
            problems["due"] = problem
        return problems

    def result(self) -> Action:
        action = self.draft
        update: dict[str, object] = {
            "text": self.text("text"),
            "owner": self.choice("owner"),
            "due_on": self.date("due"),
            "goal_id": self.choice("goal"),
        }
        if action.id is not None:
            status = self.choice("status")
            update["status"] = status
            if status != action.status:
                update["closed_at"] = None if status == "open" else (action.closed_at or now())
        return Action.model_validate(action.model_dump() | update)
