"""A goal's progress over the sessions, drawn: one bar per scored session on the 0-10 scale."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Sparkline

from companion.core.models import Goal

from . import review_format as fmt

SCALE_TOP = 10
BARS = "▁▂▃▄▅▆▇█"


class _ScaleBars:
    """Bars on a fixed 0..SCALE_TOP scale; Textual's sparkline stretches to the data's own range,
    which would draw a move from 7 to 8 as a leap from nothing to everything."""

    def __init__(
        self, data: Sequence[float], width: int, height: int, low: Color, high: Color
    ) -> None:
        self.data, self.width, self.height = data, width, max(1, height)
        self.low, self.high = low, high

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        levels = len(BARS) * self.height - 1
        cell = max(1, min(3, self.width // max(1, len(self.data))))
        shown = list(self.data)[-max(1, self.width // cell) :] if self.data else []
        for row in reversed(range(self.height)):
            low_mark, high_mark = row * len(BARS), (row + 1) * len(BARS)
            used = 0
            for value in shown:
                ratio = max(0.0, min(1.0, value / SCALE_TOP))
                index = int(ratio * levels)
                colour = Style(color=self.low.blend(self.high, ratio).rich_color)
                if index < low_mark:
                    bar, style = " ", None
                elif index >= high_mark:
                    bar, style = "█", colour
                else:
                    bar, style = BARS[index % len(BARS)], colour
                text = bar * cell if cell == 1 else bar * (cell - 1) + " "
                yield Segment(text, style)
                used += len(text)
            yield Segment(" " * max(0, self.width - used))
            if row:
                yield Segment.line()


class ScoreSparkline(Sparkline):
    """A Sparkline whose bars stand on the goal's 0-10 scale, one bar (or more cells) per score."""

    DEFAULT_CSS = """
    ScoreSparkline { height: 2; width: 1fr; }
    """

    def render(self) -> _ScaleBars:  # type: ignore[override]
        _, base = self.background_colors
        low = base + self.get_component_styles("sparkline--min-color").color
        high = base + self.get_component_styles("sparkline--max-color").color
        return _ScaleBars(list(self.data or []), self.size.width, self.size.height, low, high)


def score_trail(scores: Sequence[int]) -> str:
    """The numbers behind the drawing: '4 → 6 → 7 /10', shortened to the last five."""
    if not scores:
        return "not scored yet"
    shown = [str(score) for score in scores[-5:]]
    lead = "… → " if len(scores) > 5 else ""
    return f"{lead}{' → '.join(shown)} /10"


class GoalChart(Vertical):
    """One goal: its words, its status and due date, and its scores drawn and written out."""

    DEFAULT_CLASSES = "goal-chart"

    def __init__(self, goal: Goal, scores: Sequence[int]) -> None:
        super().__init__()
        self.goal = goal
        self.scores = list(scores)

    def compose(self) -> ComposeResult:
        due = f" · due {fmt.day(self.goal.timely)}" if self.goal.timely else ""
        yield Label(
            Content.assemble(self.goal.specific, (f"  {self.goal.status}{due}", "$text-muted")),
            classes="goal-text",
        )
        with Horizontal(classes="goal-plot"):
            yield ScoreSparkline(self.scores, classes="goal-sparkline")
            yield Label(Content(score_trail(self.scores)), classes="goal-scores")
