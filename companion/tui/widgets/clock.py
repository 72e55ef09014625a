"""The session clock: elapsed and remaining time, always in view, quiet until it matters."""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

from companion.tui.widgets.steady_text import update_steady


def mmss(seconds: float) -> str:
    """'7:05' or '1:02:03': a duration as a coach reads it at a glance."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class ClockReading:
    """Where the session stands in time; pure, so the wording is testable without a screen."""

    elapsed: float
    planned_minutes: int
    nudge_minutes: int
    in_closing: bool

    @property
    def remaining(self) -> float:
        return self.planned_minutes * 60 - self.elapsed

    @property
    def over(self) -> bool:
        return self.remaining < 0

    @property
    def nudge(self) -> bool:
        """Little time left and the wrap-up not begun: time to move towards actions."""
        return (
            not self.over
            and not self.in_closing
            and self.nudge_minutes > 0
            and self.remaining <= self.nudge_minutes * 60
        )

    @property
    def text(self) -> str:
        left = f"+{mmss(-self.remaining)} over" if self.over else f"{mmss(self.remaining)} left"
        return f"{mmss(self.elapsed)} elapsed · {left} of {self.planned_minutes} min"


class SessionClock(Static):
    """Shows a ClockReading; styles -nudge and -over say the rest."""

    def show(self, reading: ClockReading) -> None:
        text = reading.text
        if reading.nudge:
            text = "wrap up soon · " + text
        update_steady(self, text)
        self.set_class(reading.nudge, "-nudge")
        self.set_class(reading.over, "-over")
