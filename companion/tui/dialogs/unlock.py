"""The passphrase of an encrypted practice, asked in the app (issue 13).

Shown over the live screen once its first frame is out: what the coach types into the notes
meanwhile stays there. Enter unlocks, Escape gives up (the app then closes in one line, as when
the practice will not open). The passphrase is typed blind and never leaves this screen except
to open the practice.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class Unlock(ModalScreen[str | None]):
    """Asks for the passphrase of the practice at PATH; PROBLEM says why it is asked again."""

    CSS_PATH = "unlock.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "dismiss(None)",
            "Cancel",
            tooltip="Do not open the practice (companion closes)",
            id="unlock.cancel",
        ),
    ]

    def __init__(self, path: Path, problem: str = "") -> None:
        super().__init__()
        self.path = path
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock") as box:
            box.border_title = "Encrypted practice"
            yield Static(
                f"The practice {self.path} is encrypted.\nIts passphrase, then Enter "
                "(Escape: do not open it).",
                id="unlock-text",
            )
            problem = Static(self.problem, id="unlock-problem")
            problem.set_class(not self.problem, "-empty")
            yield problem
            yield Input(
                password=True,
                placeholder="passphrase",
                id="unlock-passphrase",
                select_on_focus=False,
            )

    def on_mount(self) -> None:
        self.query_one("#unlock-passphrase", Input).focus()

    @on(Input.Submitted, "#unlock-passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            problem = self.query_one("#unlock-problem", Static)
            problem.update("The passphrase is empty: type it, or Escape.")
            problem.set_class(False, "-empty")
            return
        self.dismiss(event.value)
