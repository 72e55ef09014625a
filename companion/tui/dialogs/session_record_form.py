"""The form that corrects what a past session recorded, beside its notes: the agreement, the
next date, the takeaways (one a line), each goal's score there, and the actions set there.

Like every form it never writes: it dismisses with the Corrections, and the session editor
saves them in one transaction.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Select, Static, TextArea

from companion.core.models import ACTION_STATUSES, Agreement, SessionRecord, now
from companion.store.corrections import Corrections
from companion.tui.dialogs.forms import FormScreen, _date_input, _text_input, goal_label
from companion.tui.widgets.inputs import ExactInput, FormField, ScoreValidator, parse_score


class SessionRecordForm(FormScreen[Corrections]):
    """What the session recorded, to correct; blank score: not scored in this session."""

    heading = "Correct the session"

    def __init__(self, record: SessionRecord) -> None:
        super().__init__(classes="record-form")
        self.record = record

    def fields(self) -> ComposeResult:
        record, agreement = self.record, self.record.session.agreement
        yield FormField("Topic", _text_input(agreement.topic, "The session's topic", "topic"))
        yield FormField(
            "Outcome",
            _text_input(agreement.desired_outcome, "What the client wanted", "desired-outcome"),
        )
        yield FormField(
            "Measure",
            _text_input(agreement.measure_of_success, "How they would know", "measure"),
        )
        yield FormField("Next session", _date_input(record.session.next_session_on, "next-on"))
        yield Static("Takeaways, one a line", classes="record-form-heading")
        yield TextArea(
            "\n".join(t.text for t in record.takeaways),
            soft_wrap=True,
            tab_behavior="focus",
            id="takeaways",
        )
        for progress in record.goals:
            goal_id = progress.goal.id
            if goal_id is None:
                continue
            yield FormField(
                "Goal score",
                ExactInput(
                    "" if progress.score is None else str(progress.score),
                    placeholder="0-10, blank: not scored",
                    validators=[ScoreValidator()],
                    validate_on=["submitted"],
                    compact=True,
                    id=f"score-{goal_id}",
                ),
                hint=goal_label(progress.goal),
            )
        for action in self.record.actions_set:
            if action.id is None:
                continue
            yield Static(f"Action {action.id}", classes="record-form-heading")
            yield FormField(
                "Action", _text_input(action.text, "What will be done", f"action-{action.id}")
            )
            yield FormField("Due", _date_input(action.due_on, f"due-{action.id}"))
            yield FormField(
                "Status",
                Select[str](
                    [(status, status) for status in ACTION_STATUSES],
                    value=action.status,
                    allow_blank=False,
                    compact=True,
                    id=f"status-{action.id}",
                ),
            )

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if (problem := self.date_problem("next-on")) is not None:
            problems["next-on"] = problem
        for progress in self.record.goals:
            field_id = f"score-{progress.goal.id}"
            try:
                parse_score(self.text(field_id))
            except ValueError as error:
                problems[field_id] = str(error)
        for action in self.record.actions_set:
            if not self.text(f"action-{action.id}"):
                problems[f"action-{action.id}"] = "Required: what will be done"
            if (problem := self.date_problem(f"due-{action.id}")) is not None:
                problems[f"due-{action.id}"] = problem
        return problems

    def result(self) -> Corrections:
        takeaways = self.query_one("#takeaways", TextArea).text.splitlines()
        actions = []
        for action in self.record.actions_set:
            status = self.choice(f"status-{action.id}")
            update: dict[str, object] = {
                "text": self.text(f"action-{action.id}"),
                "due_on": self.date(f"due-{action.id}"),
                "status": status,
            }
            if status != action.status:
                update["closed_at"] = None if status == "open" else action.closed_at or now()
            actions.append(action.model_validate({**action.model_dump(), **update}))
        return Corrections(
            agreement=Agreement(
                topic=self.text("topic"),
                desired_outcome=self.text("desired-outcome"),
                measure_of_success=self.text("measure"),
            ),
            next_session_on=self.date("next-on"),  # type: ignore[arg-type]
            takeaways=[line.strip() for line in takeaways if line.strip()],
            scores={
                p.goal.id: parse_score(self.text(f"score-{p.goal.id}"))
                for p in self.record.goals
                if p.goal.id is not None
            },
            actions=actions,
        )
