"""The live screen's steps and clock: moving through the protocol, and the time it takes.

Entering a step shows it at once, records its timing on the writer and heads its section in the
notes; the clock counts the session (the time held, see tui.hold) and the step, and nudges once
towards the closing steps as the planned end nears.
"""

from __future__ import annotations

from textual import on
from textual.timer import Timer

from companion.core.notes import step_heading
from companion.tui.screens.live_base import LiveBase
from companion.tui.widgets.clock import ClockReading, SessionClock, mmss
from companion.tui.widgets.protocol_pane import ProtocolPane


class LiveSteps(LiveBase):
    """The steps and the clock of the live screen (LiveScreen builds on it)."""

    _ticker: Timer | None = None
    _nudged = False

    # -- the clock ---------------------------------------------------------------------------

    def show_running(self) -> None:
        """Filled in: the clock runs and the keys that waited for the session work."""
        self._tick()
        self._ticker = self.set_interval(1.0, self._tick)
        self.refresh_bindings()

    def stop_running(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def _tick(self) -> None:
        at = self.clock()
        if self.hold is not None:
            elapsed = self.hold.elapsed(at, self.session.started_at)
        else:
            elapsed = (at - self.session.started_at).total_seconds()
        current = self.query_one(ProtocolPane).current
        reading = ClockReading(
            elapsed=elapsed,
            planned_minutes=self.session.planned_minutes,
            nudge_minutes=self.host.nudge_minutes,
            in_closing=current >= self.protocol.closing_index,
        )
        self.query_one(SessionClock).show(reading)
        if reading.nudge and not self._nudged:
            self._nudged = True
            self.notify(
                f"{mmss(reading.remaining)} left: time to move towards actions and the close.",
                title="Wrap up soon",
                timeout=8,
            )
        spent = (at - self.timing.entered_at).total_seconds() if self.timing else 0.0
        self.query_one(ProtocolPane).show_time(spent)

    # -- steps -------------------------------------------------------------------------------

    def go_to(self, index: int, *, force: bool = False) -> None:
        """Enter step INDEX: shown at once; its timing and the notes written in turn."""
        pane = self.query_one(ProtocolPane)
        if not 0 <= index < len(self.protocol.steps) or (index == pane.current and not force):
            return
        self.enter_step(index)
        pane.show_step(index)
        self._tick()
        self.changed_notes()
        offers = {
            "contract": "f9 opens the coaching contract to record what you agree here.",
            "goals_review": "f12 opens the goals: achieved, adjusted or dropped, one key each.",
        }
        step = self.protocol.steps[index]
        if step.capture in offers:  # offered, never forced on the notes
            self.notify(offers[step.capture], title=step.title, timeout=6)

    def enter_step(self, index: int) -> None:
        """Record entering step INDEX (on the writer) and add its heading to the notes."""
        from companion.core.models import StepTiming

        step = self.protocol.steps[index]
        at = self.clock()
        session_id, store = self.session_id, self.store
        self.timing = StepTiming(
            session_id=session_id, step_index=index, step_id=step.id, entered_at=at
        )
        self.record("the step change", lambda: store.enter_step(session_id, index, step.id, at))
        self.session = self.session.model_copy(update={"current_step": index})
        if not self.notes.go_to_section(step.title):  # revisited: its section, no new heading
            self.notes.append_heading(step_heading(step.title, at))

    def action_next_step(self) -> None:
        current = self.query_one(ProtocolPane).current
        if current + 1 >= len(self.protocol.steps):
            self.notify("This is the last step: f10 ends the session.")
            return
        self.go_to(current + 1)

    def action_previous_step(self) -> None:
        current = self.query_one(ProtocolPane).current
        if current > 0:
            self.go_to(current - 1)

    @on(ProtocolPane.StepChosen)
    def _step_chosen(self, event: ProtocolPane.StepChosen) -> None:
        self.go_to(event.index)
        self.action_focus_notes()

    def action_jump(self) -> None:
        from companion.tui.dialogs.live_dialogs import StepPicker

        def chosen(index: int | None) -> None:
            if index is not None:
                self.go_to(index)
            self.action_focus_notes()

        current = self.query_one(ProtocolPane).current
        self.app.push_screen(StepPicker(self.protocol, current), chosen)
