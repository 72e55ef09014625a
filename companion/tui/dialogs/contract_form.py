"""The coaching contract as a form: sponsor, confidentiality, sessions planned, start, billing,
format and group size, the overall objective, and whether the client may be named in the ICF log.

Opened from the live screen (f9, the palette's "Edit coaching contract", the first session's
contracting steps), home and a client's timeline. Like the other forms it never writes: it
dismisses with the edited Engagement (validated) or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Checkbox

from companion.core.models import GROUP_SIZE_MAX, SESSIONS_PLANNED_MAX, Engagement
from companion.tui.dialogs.forms import FormScreen, _date_input, _text_input
from companion.tui.widgets.inputs import ExactInput, FieldSelect, FormField

BILLING_CHOICES = [("paid", "paid"), ("pro bono", "pro_bono")]
FORMAT_CHOICES = [("individual", "individual"), ("group", "group")]
WHOLE_NUMBERS = {"planned": (1, SESSIONS_PLANNED_MAX), "group-size": (2, GROUP_SIZE_MAX)}
"""The number fields and the range each takes: the same as `companion engagement set`'s."""


def _number(value: int | None, placeholder: str, field_id: str) -> ExactInput:
    text = "" if value is None else str(value)
    return ExactInput(text, placeholder=placeholder, compact=True, id=field_id)


class ContractForm(FormScreen[Engagement]):
    """Enter or change an engagement's contract; Enter goes from field to field."""

    heading = "Coaching contract"

    def __init__(self, engagement: Engagement, client_name: str = "") -> None:
        super().__init__(classes="contract-form")
        self.draft = engagement
        if client_name:
            self.heading = f"Coaching contract · {client_name}"

    def fields(self) -> ComposeResult:
        contract = self.draft
        yield FormField(
            "Sponsor",
            _text_input(contract.sponsor_name, "Who sponsors it (blank: none)", "sponsor"),
        )
        yield FormField(
            "Sponsor's role",
            _text_input(contract.sponsor_role, "e.g. HR partner, line manager", "sponsor-role"),
        )
        yield FormField(
            "Sponsor contact",
            _text_input(contract.sponsor_contact, "Email or phone", "sponsor-contact"),
        )
        yield FormField(
            "Confidentiality",
            _text_input(
                contract.confidentiality,
                "What stays between us; what the sponsor hears",
                "confidentiality",
            ),
        )
        yield FormField("Sessions planned", _number(contract.sessions_planned, "e.g. 6", "planned"))
        yield FormField("Start date", _date_input(contract.start_date, "start"), required=True)
        yield FormField(
            "Billing",
            FieldSelect(
                BILLING_CHOICES,
                value=contract.billing,
                allow_blank=False,
                compact=True,
                id="billing",
            ),
        )
        yield FormField(
            "Format",
            FieldSelect(
                FORMAT_CHOICES,
                value=contract.format,
                allow_blank=False,
                compact=True,
                id="format",
            ),
        )
        yield FormField(
            "Number in group", _number(contract.group_size, "for a group: 2 or more", "group-size")
        )
        yield FormField(
            "Objective",
            _text_input(contract.objective, "The engagement's overall objective", "objective"),
        )
        yield FormField(
            "ICF log",
            Checkbox(
                "may be named in the ICF log",
                value=contract.log_consent,
                compact=True,
                id="log-consent",
            ),
        )

    def _whole(self, field_id: str) -> tuple[int | None, str | None]:
        low, high = WHOLE_NUMBERS[field_id]
        text = self.text(field_id)
        if not text:
            return None, None
        if not text.isdigit() or not low <= int(text) <= high:
            return None, f"A whole number from {low} to {high}, or blank"
        return int(text), None

    def problems(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.text("start"):
            problems["start"] = "Required: the day the engagement started"
        elif (problem := self.date_problem("start")) is not None:
            problems["start"] = problem
        for field_id in WHOLE_NUMBERS:
            problem = self._whole(field_id)[1]
            if problem is not None:
                problems[field_id] = problem
        if self.choice("format") != "group" and self.text("group-size"):
            problems["group-size"] = "Only for a group: choose the group format, or leave blank"
        end = self.draft.end_date
        if "start" not in problems and end is not None:
            start = self.date("start")
            if start is not None and start > end:  # type: ignore[operator]
                problems["start"] = f"The engagement ended on {end:%Y-%m-%d}: start before that"
        return problems

    def result(self) -> Engagement:
        update: dict[str, object] = {
            "sponsor_name": self.text("sponsor"),
            "sponsor_role": self.text("sponsor-role"),
            "sponsor_contact": self.text("sponsor-contact"),
            "confidentiality": self.text("confidentiality"),
            "sessions_planned": self._whole("planned")[0],
            "start_date": self.date("start"),
            "billing": self.choice("billing"),
            "format": self.choice("format"),
            "group_size": self._whole("group-size")[0],
            "objective": self.text("objective"),
            "log_consent": self.query_one("#log-consent", Checkbox).value,
        }
        return Engagement.model_validate(self.draft.model_dump() | update)
