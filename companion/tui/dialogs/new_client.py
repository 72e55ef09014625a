"""Before a new client is created: did the coach mean a client they already have?

A typo or a first name ("Ana" beside "Ana Lopez") would otherwise split one client's history
in two, so creating a client (and its first session) takes a key of its own, never the Enter
that submitted the name.

A coach who starts typing notes at once (the client is talking) loses no word and decides
nothing by accident (see Question); after typed words, Enter adds the client as typed.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Footer, Static

from companion.tui.dialogs.question import Question

MAX_SUGGESTIONS = 3


class NewClientQuestion(Question[str | None]):
    """Add NAME as a new client (y), start with a close existing client (1-3), or neither (Esc).

    Dismissed with the name of the client to start with, or None.
    """

    CSS_PATH = "new_client.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "y",
            "add",
            "Add new client",
            tooltip="Create the client as typed and start their first session",
            id="new-client.add",
        ),
        *[
            Binding(
                str(n),
                f"pick({n - 1})",
                show=False,
                tooltip=f"Start with suggested client {n}",
                id=f"new-client.pick-{n}",
            )
            for n in range(1, MAX_SUGGESTIONS + 1)
        ],
        Binding(
            "escape",
            "dismiss(None)",
            "Back",
            tooltip="Create nothing and go back to the name",
            id="new-client.back",
        ),
    ]

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__()
        self.new_name = name
        self.suggestions = suggestions[:MAX_SUGGESTIONS]

    def compose(self) -> ComposeResult:
        with Vertical(id="new-client-box") as box:
            box.border_title = "Did you mean…" if self.suggestions else "New client"
            if self.suggestions:
                yield Static(
                    Content.assemble(
                        "You already have a client with a name close to ",
                        (self.new_name, "bold"),
                        ":",
                    )
                )
                for n, name in enumerate(self.suggestions, start=1):
                    yield self._button(f"{n}  Start with {name}", f"pick-{n - 1}")
            else:
                yield Static(
                    Content.assemble("No client is called ", (self.new_name, "bold"), " yet.")
                )
            yield self._button(
                f"y  Add {self.new_name} as a new client and start", "add", primary=True
            )
        yield Footer(compact=True)

    def enter_after_typing(self) -> bool:
        """Enter after typed words adds the client as typed (no longer the Enter behind the
        name), and ends the words' line, so a // line typed next stays private."""
        self.typed += "\n"
        self.action_add()
        return True

    def typed_hint(self) -> Content:
        return Content.assemble(
            ("Enter adds ", "dim"),
            (self.new_name, "bold"),
            (" and starts with these words; Esc goes back (they are kept).", "dim"),
        )

    @staticmethod
    def _button(label: str, button_id: str, *, primary: bool = False) -> Button:
        """A button for the mouse; never focused, so the Enter behind the name presses none."""
        button = Button(
            Content(label), variant="primary" if primary else "default", id=button_id, compact=True
        )
        button.can_focus = False
        return button

    def action_add(self) -> None:
        self.dismiss(self.new_name)

    def action_pick(self, index: int) -> None:
        if index < len(self.suggestions):
            self.dismiss(self.suggestions[index])

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add":
            self.action_add()
        elif event.button.id and event.button.id.startswith("pick-"):
            self.action_pick(int(event.button.id.removeprefix("pick-")))
