"""Correct a finished session's start, end or minutes, from the review's session view.

The same correction as `companion sessions edit ID --started --ended --minutes`: the store
(`Store.correct_session_time`) checks it and says what is wrong in words fit for the coach. Unlike
the other forms (forms.py), this one writes itself, in a thread worker, so that a refused
correction is shown in the form with what the coach typed still there; it dismisses with the
corrected Session, or with None on Escape / Cancel.

Only what the coach changed is passed on: new minutes alone keep both times; a new start or end
alone lets the store set the minutes to end minus start; both pass all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Button

from companion.core.dates import MOMENT_FORMAT, parse_moment
from companion.core.models import Session
from companion.store import Store, StoreError
from companion.tui.dialogs.forms import FormScreen, _text_input
from companion.tui.widgets.inputs import FormField

MOMENT_HINT = "YYYY-MM-DD HH:MM"
"""What Started and Ended take, as the coach reads it (MOMENT_FORMAT is strftime's)."""


def parse_minutes(text: str) -> int:
    cleaned = text.strip()
    if not cleaned.isdigit():
        raise ValueError("Minutes are a whole number, e.g. 55")
    return int(cleaned)


@dataclass(frozen=True)
class TimeChange:
    """What to pass to Store.correct_session_time: None for what stays as it is."""

    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: int | None = None

    @property
    def is_empty(self) -> bool:
        return self.started_at is None and self.ended_at is None and self.duration_seconds is None


class SessionTimeForm(FormScreen[Session]):
    """Started, Ended and Minutes of a finished session, pre-filled; ctrl+s saves, Esc cancels."""

    CSS_PATH: ClassVar[list[str]] = [  # type: ignore[misc]
        "../widgets/inputs.tcss",
        "forms.tcss",
        "session_time_form.tcss",
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            priority=True,
            tooltip="Correct the session's time as typed",
            id="session-time.save",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close the form, changing nothing",
            id="session-time.cancel",
        ),
    ]
    heading = "Correct the session's time"

    class Saved(Message):
        def __init__(self, session: Session) -> None:
            super().__init__()
            self.session = session

    class Refused(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self, store: Store, session: Session) -> None:
        super().__init__(classes="session-time-form")
        assert session.id is not None and session.ended_at is not None
        self.store = store
        self.session = session
        self.started_text = f"{session.started_at:{MOMENT_FORMAT}}"
        self.ended_text = f"{session.ended_at:{MOMENT_FORMAT}}"
        self.minutes_shown = round(session.duration_minutes or 0)
        self.saving = False

    def fields(self) -> ComposeResult:
        yield FormField(
            "Started",
            _text_input(self.started_text, MOMENT_HINT, "time-started"),
            hint=MOMENT_HINT,
        )
        yield FormField(
            "Ended", _text_input(self.ended_text, MOMENT_HINT, "time-ended"), hint=MOMENT_HINT
        )
        yield FormField(
            "Minutes",
            _text_input(str(self.minutes_shown), "e.g. 55", "time-minutes"),
            hint="time really spent coaching, 1 to 600",
        )

    # -- checking -----------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for field_id in ("time-started", "time-ended"):
            try:
                parse_moment(self.text(field_id))
            except ValueError as error:
                found[field_id] = str(error)
        try:
            parse_minutes(self.text("time-minutes"))
        except ValueError as error:
            found["time-minutes"] = str(error)
        return found

    def result(self) -> Session:  # the form saves through the store instead (action_save)
        raise NotImplementedError

    def change(self) -> TimeChange:
        """What the coach changed; only called once problems() is empty."""
        started = parse_moment(self.text("time-started"))
        ended = parse_moment(self.text("time-ended"))
        minutes = parse_minutes(self.text("time-minutes"))
        started_changed = started != parse_moment(self.started_text)
        ended_changed = ended != parse_moment(self.ended_text)
        minutes_changed = minutes != self.minutes_shown
        if not (started_changed or ended_changed):
            return TimeChange(duration_seconds=minutes * 60 if minutes_changed else None)
        if not minutes_changed:  # the store sets the minutes to end minus start
            return TimeChange(
                started_at=started if started_changed else None,
                ended_at=ended if ended_changed else None,
            )
        return TimeChange(started_at=started, ended_at=ended, duration_seconds=minutes * 60)

    # -- saving -------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving or not self.checked():
            return
        change = self.change()
        if change.is_empty:
            self._say("Nothing changed: edit a field, or Esc to close.")
            return
        self._say("")
        self.saving = True
        self.query_one("#save", Button).disabled = True
        self.write(change)

    @work(thread=True, exclusive=True, group="session-time")
    def write(self, change: TimeChange) -> None:
        assert self.session.id is not None
        try:
            session = self.store.correct_session_time(
                self.session.id,
                started_at=change.started_at,
                ended_at=change.ended_at,
                duration_seconds=change.duration_seconds,
            )
        except StoreError as error:
            self.post_message(self.Refused(str(error)))
        except Exception as error:  # never crash the review over a correction
            self.post_message(self.Refused(f"Could not save the correction: {error}"))
        else:
            # A message, not call_from_thread(self.dismiss): that waits for this worker.
            self.post_message(self.Saved(session))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.dismiss(event.session)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.saving = False
        self.query_one("#save", Button).disabled = False
        reason = event.reason
        self._say(reason[:1].upper() + reason[1:])

    def action_cancel(self) -> None:
        if not self.saving:  # a correction on its way is waited for: its result is shown
            self.dismiss(None)
