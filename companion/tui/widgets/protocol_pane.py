"""The protocol pane: the steps, and for the current one its purpose, prompts and timebox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from companion.core.markers import PCC_MARKERS, markers_line
from companion.tui.widgets.clock import mmss
from companion.tui.widgets.steady_text import update_steady

if TYPE_CHECKING:
    from companion.core.protocols import Protocol, Step


class StepList(OptionList):
    """The steps; Enter or a click on one jumps there."""


def step_timebox(step: Step, spent: float) -> tuple[str, bool]:
    """'3:12 of 15 min' and whether the step's timebox is used up."""
    limit = step.minutes * 60
    if spent >= limit:
        return f"{mmss(spent)} · timebox of {step.minutes} min used up", True
    return f"{mmss(spent)} of {step.minutes} min", False


class ProtocolPane(Vertical):
    """Shows the protocol; tells the screen which step the coach chose with StepChosen."""

    class StepChosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, protocol: Protocol | None, current: int, **kwargs: str) -> None:
        """PROTOCOL may come later (show_protocol): the pane is drawn empty until then."""
        super().__init__(**kwargs)
        self._protocol = protocol
        self.current = current
        self.border_title = protocol.name if protocol is not None else "Protocol"

    @property
    def protocol(self) -> Protocol:
        assert self._protocol is not None
        return self._protocol

    def compose(self) -> ComposeResult:
        if self._protocol is None:
            return  # an empty frame until show_protocol: nothing more to draw on the first paint
        yield StepList(*self._options(), id="steps")
        with VerticalScroll(id="step-detail"):
            yield Static("", id="step-title")
            yield Static("", id="step-time")
            yield Static("", id="step-purpose")
            yield Static("", id="step-prompts")
            yield Static("", id="step-markers")

    def on_mount(self) -> None:
        if self._protocol is not None:
            self.show_step(self.current)

    async def show_protocol(self, protocol: Protocol, current: int) -> None:
        """Fill the empty frame with PROTOCOL, step CURRENT marked as the one in progress."""
        self._protocol = protocol
        self.current = current
        self.border_title = protocol.name
        await self.recompose()
        self.show_step(current)

    def _label(self, index: int, step: Step) -> Content:
        marker = "▶" if index == self.current else " "
        label = Content.assemble(f"{marker}{index + 1} ", step.title, (f" {step.minutes}′", "dim"))
        if index == self.current:
            return label.stylize("bold")
        return label

    def _options(self) -> list[Option]:
        return [
            Option(self._label(i, step), id=f"step-{i}")
            for i, step in enumerate(self.protocol.steps)
        ]

    def show_step(self, index: int) -> None:
        """Mark step INDEX as the current one and show what it is for."""
        previous, self.current = self.current, index
        steps = self.query_one(StepList)
        for i in {previous, index}:
            if 0 <= i < len(self.protocol.steps):
                steps.replace_option_prompt_at_index(i, self._label(i, self.protocol.steps[i]))
        steps.highlighted = index
        # On a short screen the list shows three steps: the one before, this one, the next.
        self.call_after_refresh(steps.scroll_to, y=max(0, index - 1), animate=False)
        step = self.protocol.steps[index]
        self.query_one("#step-title", Static).update(
            Content.assemble(
                (f"Step {index + 1} of {len(self.protocol.steps)}: ", "dim"), step.title
            )
        )
        self.query_one("#step-purpose", Static).update(step.purpose)
        self.query_one("#step-prompts", Static).update(
            Content("\n").join(Content(f"• {prompt}") for prompt in step.prompts)
        )
        markers = self.query_one("#step-markers", Static)
        markers.update(markers_line(step.markers))
        markers.display = bool(step.markers)
        # What each marker asks, on hover: a reflection aid, never a checklist.
        markers.tooltip = (
            "\n".join(f"{m}  {PCC_MARKERS[m]}" for m in step.markers if m in PCC_MARKERS) or None
        )
        self.query_one("#step-detail", VerticalScroll).scroll_home(animate=False)

    def show_time(self, spent: float) -> None:
        text, used_up = step_timebox(self.protocol.steps[self.current], spent)
        time = self.query_one("#step-time", Static)
        update_steady(time, text)
        time.set_class(used_up, "-used-up")

    @on(OptionList.OptionSelected, "#steps")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.StepChosen(event.option_index))
