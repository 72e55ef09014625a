"""The live screen's dialogs: steps, resuming, busy sessions, rescued notes, quitting.

Kept apart from the live screen so its module stays about the session itself; their styles
(live_dialogs.tcss) are parsed only when one of them is first shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from companion.tui.dialogs.question import Question

if TYPE_CHECKING:
    from companion.core.models import Session
    from companion.core.protocols import Protocol
    from companion.services.rescue import RescuedNotes


class StepPicker(ModalScreen[int | None]):
    """Jump to a step: its number, or arrows and Enter; Escape stays where you are."""

    CSS_PATH = "live_dialogs.tcss"  # not parsed before the live screen's first paint
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "dismiss(None)",
            "Stay",
            tooltip="Stay on the current step",
            id="step-picker.stay",
        ),
        *[
            Binding(
                str(n),
                f"digit({n})",
                show=False,
                tooltip=f"Step {n} (or the first digit of step {n}0 and on)",
                id=f"step-picker.step-{n}",
            )
            for n in range(1, 10)
        ],
        Binding(
            "0",
            "digit(0)",
            show=False,
            tooltip="The second digit of step 10, 20...",
            id="step-picker.digit-0",
        ),
    ]
    typed = ""
    """The digits typed so far: '1' waits for a second digit when there are ten steps or more."""

    def __init__(self, protocol: Protocol, current: int) -> None:
        super().__init__()
        self.protocol = protocol
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker") as box:
            box.border_title = "Jump to step"
            box.border_subtitle = "its number (two digits from 10) or Enter · Esc stays"
            yield OptionList(
                *[
                    Option(f"{i + 1}  {step.title}  ({step.minutes} min)", id=f"pick-{i}")
                    for i, step in enumerate(self.protocol.steps)
                ],
                id="pick-list",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = self.current

    def action_pick(self, index: int) -> None:
        if index < len(self.protocol.steps):
            self.dismiss(index)

    def action_digit(self, digit: int) -> None:
        """Type a step's number: picked as soon as no further digit could make another step;
        until then highlighted (Enter picks it)."""
        count = len(self.protocol.steps)
        typed = self.typed + str(digit)
        if int(typed) > count or int(typed) == 0:
            typed = str(digit) if 0 < digit <= count else ""
        self.typed = typed
        if not typed:
            return
        number = int(typed)
        if number * 10 > count:  # no step number starts with these digits and goes on
            self.dismiss(number - 1)
            return
        self.query_one(OptionList).highlighted = number - 1

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)


class ResumeOffer(Question[str | None]):
    """The client has a session not finished: r resumes it, n starts a new one, Escape neither."""

    CSS_PATH = "live_dialogs.tcss"  # not parsed before the live screen's first paint
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "dismiss('resume')",
            "Resume it",
            tooltip="Go back into the unfinished session",
            id="resume-offer.resume-it",
        ),
        Binding(
            "n",
            "dismiss('new')",
            "Start a new one",
            tooltip="Leave it unfinished and start a new session",
            id="resume-offer.start-a-new-one",
        ),
        Binding(
            "escape", "dismiss(None)", "Cancel", tooltip="Do neither", id="resume-offer.cancel"
        ),
    ]

    def __init__(self, client_name: str, session: Session, step_title: str) -> None:
        super().__init__()
        self.client_name = client_name
        self.session = session
        self.step_title = step_title

    def compose(self) -> ComposeResult:
        with Vertical(id="resume") as box:
            box.border_title = "Session not finished"
            yield Static(
                Content.assemble(
                    (self.client_name, "bold"),
                    f" has a session started {self.session.started_at:%a %d %b %H:%M} "
                    f"that was not closed (at step: {self.step_title}).",
                )
            )
            with Horizontal(id="resume-buttons"):
                yield Button("r  Resume it", variant="primary", id="resume-it")
                yield Button("n  Start a new one", id="new-one")
        yield Footer(compact=True)

    @on(Button.Pressed, "#resume-it")
    def _resume(self) -> None:
        self.dismiss("resume")

    @on(Button.Pressed, "#new-one")
    def _new(self) -> None:
        self.dismiss("new")


class GapQuestion(Question[bool]):
    """The session was left a while ago: did it go on meanwhile? Only then is the gap counted."""

    CSS_PATH = "live_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y",
            "dismiss(True)",
            "It went on",
            tooltip="Count the time away as session time",
            id="gap.went-on",
        ),
        Binding(
            "n,escape",
            "dismiss(False)",
            "It was paused",
            tooltip="Count only the time the session was open here",
            id="gap.paused",
        ),
    ]

    def __init__(self, last_seen: str, gap: str) -> None:
        super().__init__()
        self.last_seen = last_seen
        self.gap = gap

    def compose(self) -> ComposeResult:
        with Vertical(id="gap") as box:
            box.border_title = "Resuming after a gap"
            yield Static(
                f"This session was last open at {self.last_seen}, {self.gap} ago. Did the "
                "session go on while companion was closed?\n\n"
                "y  yes: count that time as coaching\n"
                "n  no, it was paused: count from now (Esc too)"
            )
        yield Footer(compact=True)


class SessionBusy(Question[str | None]):
    """The session is open for writing in another window: view it read-only, or start anew."""

    CSS_PATH = "live_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "v",
            "choose('view')",
            "View read-only",
            tooltip="Read the session without changing it",
            id="busy.view",
        ),
        Binding(
            "n",
            "choose('new')",
            "Start a new session",
            tooltip="Start another session for this client",
            id="busy.new",
        ),
        Binding("escape", "dismiss(None)", "Cancel", tooltip="Open nothing", id="busy.cancel"),
    ]

    def __init__(self, message: str, *, can_view: bool = True) -> None:
        super().__init__()
        self.message = message
        self.can_view = can_view

    def compose(self) -> ComposeResult:
        view = (
            "v  view it here, read-only"
            if self.can_view
            else "(viewing would set aside what you typed here: n keeps it in a new session)"
        )
        with Vertical(id="busy") as box:
            box.border_title = "Open in another window"
            yield Static(
                f"{self.message}.\nOnly that window writes to it, so nothing is overwritten.\n\n"
                f"{view}\nn  start a new session\nEsc  cancel"
            )
        yield Footer(compact=True)

    def action_choose(self, choice: str) -> None:
        if choice != "view" or self.can_view:
            self.dismiss(choice)


class RescueOffer(Question[str | None]):
    """Notes set aside when the practice refused them last time: bring them back?"""

    CSS_PATH = "live_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y",
            "dismiss('restore')",
            "Bring them back",
            tooltip="Put the rescued words back into the notes",
            id="rescue.restore",
        ),
        Binding(
            "n,escape",
            "dismiss(None)",
            "Not now",
            tooltip="Keep the rescue file and ask again next time",
            id="rescue.later",
        ),
        Binding(
            "d",
            "dismiss('discard')",
            "Discard the file",
            tooltip="Delete the rescue file",
            id="rescue.discard",
        ),
    ]

    def __init__(self, rescued: RescuedNotes, stored_length: int) -> None:
        super().__init__()
        self.rescued = rescued
        self.stored_length = stored_length

    def compose(self) -> ComposeResult:
        rescued = self.rescued
        with Vertical(id="rescue") as box:
            box.border_title = "Notes set aside"
            yield Static(
                f"On {rescued.saved_at:%a %d %b %H:%M} the practice could not be written, so this "
                f"session's notes were set aside in\n{rescued.path}\n"
                f"({len(rescued.text):,} characters; the practice holds "
                f"{self.stored_length:,}).\n\n"
                "y  bring them back: they replace the notes saved then\n"
                "n  not now: the file stays, and this is asked again (Esc too)\n"
                "d  discard the file"
            )
        yield Footer(compact=True)


class QuitUnsaved(ModalScreen[bool]):
    """Quitting while the practice refuses writes: say what would be lost, and where it is."""

    CSS_PATH = "live_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y",
            "dismiss(True)",
            "Quit anyway",
            tooltip="Quit, with the notes set aside in a rescue file",
            id="quit-unsaved.quit",
        ),
        Binding(
            "n,escape",
            "dismiss(False)",
            "Stay",
            tooltip="Stay while companion keeps trying to save",
            id="quit-unsaved.stay",
        ),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-unsaved") as box:
            box.border_title = "Not saved"
            yield Static(f"{self.message}\n\ny  quit anyway\nn  stay: saving is retried (Esc too)")
        yield Footer(compact=True)
