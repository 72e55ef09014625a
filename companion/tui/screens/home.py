"""Home: where a coach lands: start or resume a session, go to the review, see what is due."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Select

from companion.core.errors import CompanionError
from companion.core.terms import SessionStart
from companion.services import heap
from companion.tui.host import give_up_from_thread, host
from companion.tui.keys import keys_binding
from companion.tui.screens.home_names import CLIENTS_LISTED as CLIENTS_LISTED
from companion.tui.screens.home_names import FindOrAdd
from companion.tui.screens.home_waiting import HomeWaiting
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.review_commands import ScreenCommands

if TYPE_CHECKING:  # pydantic and the store load after the first paint, in the first read
    from companion.core.models import Client
    from companion.store.views import HomeView

DUE_WITHIN_DAYS = 7
"""Open actions due within this many days (or overdue) are shown on the home screen."""
DUE_LISTED = 50
"""The most overdue actions shown; a line says how many more there are."""

DEFAULT_PROTOCOL = "default"
DEFAULT_CHOICE = ("Default (first, else GROW)", DEFAULT_PROTOCOL)
"""The protocol choice shown from the first paint; the protocols join it with the first read
(loading them imports pydantic: ~90 ms that would delay the first paint)."""


class HomeScreen(FindOrAdd, HomeWaiting):
    """The first screen: every way into the practice from one place."""

    CSS_PATH = "home.tcss"
    COMMANDS = Screen.COMMANDS | {ScreenCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s",
            "start",
            "Start session",
            tooltip="Start a session with the chosen client",
            id="home.start-session",
        ),
        Binding(
            "n",
            "new_client",
            "Find or add",
            show=False,  # the name box says it; the footer keeps room for F1 at 80 columns
            tooltip="Find a client, or type a new name",
            id="home.find-or-add",
        ),
        Binding(
            "ctrl+n",
            "add_as_typed",
            "Add as new client",
            show=False,
            tooltip="Start with the name exactly as typed, even if it is part of another",
            id="home.add-as-new-client",
        ),
        Binding(
            "p",
            "protocol",
            "Protocol",
            tooltip="Choose the protocol for the next session",
            id="home.protocol",
        ),
        Binding(
            "u",
            "resume",
            "Resume",
            tooltip="Resume the chosen unfinished session",
            id="home.resume",
        ),
        Binding(
            "r",
            "review",
            "Review",
            tooltip="Browse past sessions and search them",
            id="home.review",
        ),
        Binding(
            "down",
            "to_list",
            "Choose from list",
            show=False,
            priority=True,  # acts before keys typed behind it reach the box; only while typing
            tooltip="Leave the name box for the list of clients",
            id="home.to-list",
        ),
        Binding(
            "escape",
            "clear_find",
            "Clear",
            show=False,
            tooltip="Empty the name box",
            id="home.clear",
        ),
        Binding(
            "a",
            "actions",
            "Due actions",
            show=False,
            tooltip="Go to the due actions",
            id="home.due-actions",
        ),
        Binding(
            "c",
            "contract",
            "Edit coaching contract",
            show=False,
            tooltip="The chosen client's engagement: sponsor, sessions planned, confidentiality",
            id="home.contract",
        ),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Read the practice again",
            id="home.refresh",
        ),
        keys_binding("home"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: HomeView | None = None
        """What the practice holds, once read (None until the first read)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start") as start:
            start.border_title = "Start a session"
            start.border_subtitle = "Enter starts"
            yield Input(placeholder="Find, or type a new name", id="new-client")
            yield OptionList(id="clients")
            yield Select[str](  # the protocols are listed with the first read (see load)
                [DEFAULT_CHOICE], value=DEFAULT_PROTOCOL, allow_blank=False, id="protocol"
            )
        with Vertical(id="side"):
            with Vertical(id="unfinished-box") as box:
                box.border_title = "Unfinished sessions"
                yield OptionList(id="unfinished")
            with Vertical(id="due-box") as box:
                box.border_title = "Actions due soon or overdue"
                box.border_subtitle = f"next {DUE_WITHIN_DAYS} days"
                yield OptionList(id="due")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Home"
        # Typing a name is the first thing a coach does: letters go to the name box, and the
        # one-letter keys work once the list has focus (down arrow, Tab or Escape).
        self.query_one("#new-client", Input).focus()

    def on_screen_resume(self) -> None:
        """Read the practice each time home shows: a session may have just ended."""
        self.load()

    @work(thread=True, exclusive=True, group="home-load")
    def load(self) -> None:
        first = self.data is None
        try:  # the first read opens the practice and reads the protocols (after the first paint)
            with heap.paused(first):  # and imports pydantic and the store
                from companion.store.views import home_view

                choices = None
                if first:  # the protocols join the choice once: a chosen one stays chosen
                    choices = [DEFAULT_CHOICE] + [
                        (f"{protocol.name} ({protocol.duration_minutes} min)", protocol.id)
                        for protocol in (entry.protocol for entry in host(self).protocols)
                    ]
                data = home_view(
                    host(self).store,
                    fmt.today(),
                    due_within_days=DUE_WITHIN_DAYS,
                    due_limit=DUE_LISTED,
                )
        except CompanionError as error:
            give_up_from_thread(self, error)
            return
        self.app.call_from_thread(self.show, data, choices)

    @property
    def _clients(self) -> list[Client]:
        return self.data.clients if self.data is not None else []

    def show(self, data: HomeView, protocols: list[tuple[str, str]] | None = None) -> None:
        """Show what the first read (or a later one) found; PROTOCOLS, the protocol choices,
        come with the first read only."""
        self.data = data
        if protocols is not None:
            self.query_one("#protocol", Select).set_options(protocols)
        self._fill_clients()
        self._fill_waiting(data)
        self.refresh_bindings()

    # -- what the coach picked ----------------------------------------------------------------

    def _chosen_client(self) -> Client | None:
        option = self.query_one("#clients", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        client_id = int(option.id.removeprefix("client-"))
        return next((c for c in self._clients if c.id == client_id), None)

    def _chosen_protocol(self) -> str | None:
        value = self.query_one("#protocol", Select).value
        return None if value in (DEFAULT_PROTOCOL, Select.NULL) else str(value)

    def _start(self, client_name: str) -> bool:
        """Start a session (the app first offers to resume one the client left unfinished)."""
        from companion.tui.dialogs.engagement_dialogs import start_asking

        start = SessionStart(client_name, protocol_id=self._chosen_protocol())
        try:
            start_asking(self, start)  # asks first if the client's engagement was closed
        except (CompanionError, ValueError) as error:  # the store's, a protocol's
            self.notify(str(error), title="Could not start the session", severity="error")
            return False
        return True

    # -- actions --------------------------------------------------------------------------------

    def action_start(self) -> None:
        client = self._chosen_client()
        if client is None:
            self.action_new_client()
            return
        self._start(client.name)

    def action_contract(self) -> None:
        from companion.tui.dialogs.engagement_dialogs import edit_contract

        client = self._chosen_client()
        if client is None:
            self.notify("Choose a client first (n finds one).")
            return
        edit_contract(self, client, saved=self.load)

    def action_new_client(self) -> None:
        self.query_one("#new-client", Input).focus()

    def action_to_list(self) -> None:
        self.query_one("#clients", OptionList).focus()

    def action_protocol(self) -> None:
        self.query_one("#protocol", Select).focus()

    def action_review(self) -> None:
        host(self).open_review()

    def action_refresh(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_list":
            return self.query_one("#new-client", Input).has_focus
        if action == "clear_find":
            box = self.query_one("#new-client", Input)
            return bool(box.value or box.has_focus)
        if action == "resume" and not self._unfinished:
            return None  # shown dimmed: there is nothing to resume
        return True

    @on(OptionList.OptionSelected, "#clients")
    def _client_chosen(self) -> None:
        self.action_start()
