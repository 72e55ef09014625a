"""Where the engagement meets the start of a session and the screens outside it: after a close,
the next session asks whether to open a new engagement; home and a timeline open the contract.

`start_asking` wraps a session start: when the client's last engagement was closed, the coach
chooses a new engagement (its sessions numbered from 1 again) or to continue the closed one.
`edit_contract` opens the ContractForm for a client's current engagement and saves it off the
event loop.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from companion.core.errors import CompanionError
from companion.core.models import Client, Engagement, Session
from companion.core.terms import SessionStart
from companion.tui.dialogs.question import Question
from companion.tui.host import host, read_then


class NewEngagementQuestion(Question[str | None]):
    """The client's engagement was closed: n opens a new one, c continues it, Escape neither."""

    CSS_PATH = "engagement_dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "dismiss('new')",
            "New engagement",
            tooltip="Open a new engagement: its sessions are numbered from 1 again",
            id="new-engagement.new",
        ),
        Binding(
            "c",
            "dismiss('continue')",
            "Continue the last",
            tooltip="Take the closed engagement up again: its sessions go on counting",
            id="new-engagement.continue",
        ),
        Binding(
            "escape",
            "dismiss(None)",
            "Cancel",
            tooltip="Start no session",
            id="new-engagement.cancel",
        ),
    ]

    def __init__(self, client_name: str, closed: Engagement) -> None:
        super().__init__()
        self.client_name = client_name
        self.closed = closed

    def compose(self) -> ComposeResult:
        ended = f" on {self.closed.end_date:%d %b %Y}" if self.closed.end_date else ""
        with Vertical(id="question") as box:
            box.border_title = "Engagement closed"
            yield Static(
                Content.assemble(
                    (self.client_name, "bold"),
                    f"'s engagement (from {self.closed.start_date:%d %b %Y}) was closed{ended}. "
                    "Open a new engagement for this session, or continue the last one?",
                )
            )
            with Horizontal(id="question-buttons"):
                yield Button("n  New engagement", variant="primary", id="new")
                yield Button("c  Continue the last", id="continue")
        yield Footer(compact=True)

    @on(Button.Pressed, "#new")
    def _new(self) -> None:
        self.dismiss("new")

    @on(Button.Pressed, "#continue")
    def _continue(self) -> None:
        self.dismiss("continue")


def ends_engagement(session: Session) -> bool:
    """Whether closing SESSION ends its engagement: a session of a closing protocol does."""
    from companion.core.protocols import Protocol

    if not session.protocol_snapshot:
        return False
    try:
        return Protocol.model_validate_json(session.protocol_snapshot).kind == "closing"
    except ValueError:
        return False


def start_asking(screen: Screen[object], start: SessionStart) -> None:
    """Start START's session, first asking about the engagement if the client's was closed."""
    # Read here, on the loop, not in a worker: the live screen opens in this same turn, so the
    # keys a coach types right after Enter reach its notes, not the box the name was typed in.
    the_host = host(screen)
    try:
        store = the_host.store
        client = store.find_client(start.client_name)
        closed = None
        if client is not None and client.id is not None and not store.open_engagement(client.id):
            closed = store.latest_engagement(client.id)
    except CompanionError as error:
        screen.notify(str(error), title="Could not start the session", severity="error")
        return
    if closed is None or client is None:
        the_host.start_or_resume(start)
        return

    def answered(choice: str | None) -> None:
        if choice is not None:
            the_host.start_or_resume(replace(start, same_engagement=choice == "continue"))

    screen.app.push_screen(NewEngagementQuestion(client.name, closed), answered)


def edit_contract(screen: Screen[object], client: Client, *, saved: object = None) -> None:
    """Open the contract of CLIENT's current engagement (the open one, else the latest; a new
    one if they have none) and save what the coach confirms; SAVED (a callable) runs after."""
    from companion.tui.dialogs.contract_form import ContractForm

    client_id = client.id
    assert client_id is not None

    def read() -> Engagement | None:
        store = host(screen).store
        return store.open_engagement(client_id) or store.latest_engagement(client_id)

    def confirmed(contract: Engagement | None) -> None:
        if contract is not None:
            _save_contract(screen, contract, saved)

    def show(current: Engagement | None) -> None:
        draft = current or Engagement(client_id=client_id)
        screen.app.push_screen(ContractForm(draft, client.name), confirmed)

    read_then(screen, "Contract not read", read, show)


@work(thread=True, group="contract")
def _save_contract(screen: Screen[object], contract: Engagement, saved: object) -> None:
    store = host(screen).store
    try:
        if contract.id is None:
            store.add_engagement(contract)
        else:
            store.save_engagement(contract)
    except CompanionError as error:
        screen.app.call_from_thread(
            screen.notify, str(error), title="Contract not saved", severity="error"
        )
        return
    screen.app.call_from_thread(screen.notify, "Contract saved.", timeout=3)
    if callable(saved):
        screen.app.call_from_thread(saved)
