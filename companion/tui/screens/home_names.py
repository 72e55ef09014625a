"""Home's name box: find a client as you type, or add one after asking (did you mean?).

Typing narrows the client list to the names holding what is typed; Enter starts the one match
(or the exact name); a name nobody has asks first, offering close names ("Ana" beside "Ana
Lopez", a typo) before a new client is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from companion.core.text import close_names, text_key
from companion.tui.dialogs.new_client import NewClientQuestion
from companion.tui.host import host

if TYPE_CHECKING:
    from companion.core.models import Client

CLIENTS_LISTED = 100
"""The client list shows this many names (of those matching the box); typing narrows it."""


def highlight(option_list: OptionList, option_id: str | None) -> None:
    """Highlight OPTION_ID again after a refill (if it is still there), else the first option."""
    if option_id is not None:
        try:
            option_list.highlighted = option_list.get_option_index(option_id)
            return
        except OptionDoesNotExist:
            pass
    if option_list.option_count and not option_list.get_option_at_index(0).disabled:
        option_list.highlighted = 0


class FindOrAdd(Screen[None]):
    """The name box and the client list it narrows (HomeScreen builds on it)."""

    @property
    def _clients(self) -> list[Client]:
        raise NotImplementedError  # HomeScreen: the clients read

    def _start(self, client_name: str) -> bool:
        raise NotImplementedError  # HomeScreen: start (or resume) CLIENT_NAME's session

    def _matching_clients(self) -> list[Client]:
        typed = text_key(self.query_one("#new-client", Input).value)
        return [c for c in self._clients if typed in text_key(c.name)]

    def _fill_clients(self) -> None:
        """The client list, narrowed to the names holding what is typed in the box."""
        clients = self.query_one("#clients", OptionList)
        keep = clients.highlighted_option.id if clients.highlighted_option else None
        shown = self._matching_clients()
        listed = shown[:CLIENTS_LISTED]
        clients.set_options(Option(Content(c.name), id=f"client-{c.id}") for c in listed)
        if not self._clients:
            clients.add_option(
                Option("No clients yet: type a name above, then Enter", disabled=True)
            )
        elif not shown:
            clients.add_option(Option("No client by that name: Enter adds one", disabled=True))
        elif len(shown) > len(listed):
            more = len(shown) - len(listed)
            clients.add_option(Option(f"…and {more:,} more: type to narrow", disabled=True))
        highlight(clients, keep)

    def action_clear_find(self) -> None:
        box = self.query_one("#new-client", Input)
        box.clear()
        self.query_one("#clients", OptionList).focus()

    def action_add_as_typed(self) -> None:
        box = self.query_one("#new-client", Input)
        name = " ".join(box.value.split())
        if not name:
            box.focus()
            self.notify("Type the new client's name first.", severity="warning")
        elif any(c.name.casefold() == name.casefold() for c in self._clients):
            if self._start(name):
                box.clear()
        else:
            self._ask_new_client(name)

    def _ask_new_client(self, name: str) -> None:
        """Ask before creating NAME: did the coach mean a client close to it? y adds it."""
        suggestions = close_names(name, [c.name for c in self._clients])

        def answered(chosen: str | None) -> None:
            box = self.query_one("#new-client", Input)
            if chosen is None:
                box.focus()
                if host(self).typed_pending:
                    self.notify(
                        "Your words are kept: they begin the notes of the next session you start.",
                        title="Kept",
                    )
            elif self._start(chosen):
                box.clear()

        self.app.push_screen(NewClientQuestion(name, suggestions), answered)

    @on(Input.Changed, "#new-client")
    def _typed(self) -> None:
        self._fill_clients()

    @on(Input.Submitted, "#new-client")
    def _find_or_add(self, event: Input.Submitted) -> None:
        """One match (or the exact name) starts that client; no match asks before adding one."""
        name = " ".join(event.value.split())
        if not name:
            if self._clients:
                self.notify("Type a name, or press the down arrow to choose from the list.")
            else:
                self.notify("Type the first client's name.")
            return
        matches = self._matching_clients()
        exact = [c for c in matches if c.name.casefold() == name.casefold()]
        if len(exact) == 1 or len(matches) == 1:
            if self._start((exact or matches)[0].name):
                event.input.clear()
        elif matches:
            self.query_one("#clients", OptionList).focus()
            self.notify(f"{len(matches)} clients match: pick one and press Enter.")
        else:
            self._ask_new_client(name)
