"""The review browser: clients, then a client's timeline, then one session in full; and search.

Each level is a screen, so Escape always goes back one level. Reading runs in thread workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.timer import Timer
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Footer,
    Input,
    Label,
    OptionList,
)
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from companion.core.errors import CompanionError
from companion.core.text import counted
from companion.services import heap
from companion.tui.host import from_worker, give_up_from_thread
from companion.tui.keys import keys_binding
from companion.tui.screens.review_base import (
    SEARCH_DELAY,
    ReviewBase,
    as_typed,
    search_key,
)
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.client_table import FIRST_ROWS, ClientTable
from companion.tui.widgets.credential_panel import CredentialPanel

if TYPE_CHECKING:  # pydantic, the store and the deeper levels load after the first paint
    from textual.screen import Screen

    from companion.core.models import SearchHit
    from companion.store.overview import ClientList, ClientOverview

# -- level 1: clients and search ---------------------------------------------------------------


class ReviewScreen(ReviewBase):
    """The practice's clients, and a search box over everything written in it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "back", "Back", tooltip="Leave the search, or the review", id="review.back"
        ),
        search_key("review"),
        Binding(
            "o",
            "open",
            "Open",
            show=False,
            tooltip="Open the chosen client or search hit",
            id="review.open",
        ),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Read the practice again",
            id="review.refresh",
        ),
        Binding(
            "c",
            "credential",
            "Credential",
            show=False,
            tooltip="Show or hide your progress toward ICF's ACC, PCC and MCC",
            id="review.credential",
        ),
        keys_binding("review"),
    ]

    def __init__(self, client_id: int | None = None, client_name: str | None = None) -> None:
        super().__init__()
        self.initial_client_id = client_id
        self.initial_client_name = client_name
        """A name from `review --client`: looked up in a worker once the practice is open
        (an encrypted one unlocked on screen); a name not found ends the app as the CLI would."""
        self.overviews: list[ClientOverview] = []
        self.total_clients = 0
        """How many clients the practice holds (the overviews may be the first page only)."""
        self.hits: list[SearchHit] = []
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Input(placeholder="Search notes, agreements, actions, takeaways  ( / )", id="search")
        with ContentSwitcher(initial="clients", id="review-switcher"):
            yield ClientTable(id="clients")
            yield OptionList(id="hits")
        yield CredentialPanel(id="credential")
        yield Label("", id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Review"
        self.query_one("#clients", DataTable).focus()
        if self.initial_client_id is not None:
            self.app.push_screen(_timeline(self.initial_client_id))
        if self.initial_client_name is not None:
            self.open_named_client(self.initial_client_name)

    @work(thread=True, group="review-client")
    def open_named_client(self, name: str) -> None:
        """The timeline of the client called NAME, looked up once the practice is open."""
        try:
            client = self.store.client_named(name)
        except CompanionError as error:
            give_up_from_thread(self, error)
            return
        assert client.id is not None
        from_worker(self, self.app.push_screen, _timeline(client.id))

    def on_screen_resume(self) -> None:
        """Read the practice each time the list shows: a session may have just ended."""
        self.load()
        self._load_credential()

    @work(thread=True, exclusive=True, group="review-load")
    def load(self) -> None:
        """The clients: on the first read a screenful first, then the rest (the table keeps what
        it shows and adds the rest after it); read again, all of them at once."""
        from companion.store.overview import ClientList, client_overviews

        first = not self.overviews
        try:  # the first read opens the practice (after the first paint)
            with heap.paused(first):
                page = client_overviews(
                    self.store, today=fmt.today(), first=FIRST_ROWS if first else None
                )
            self.app.call_from_thread(self.show_clients, page)
            if not page.complete and not get_current_worker().is_cancelled:
                rest = client_overviews(self.store, today=fmt.today(), offset=len(page.overviews))
                whole = ClientList(overviews=page.overviews + rest.overviews, total=rest.total)
                self.app.call_from_thread(self.show_clients, whole)
        except CompanionError as error:
            give_up_from_thread(self, error)

    def show_clients(self, clients: ClientList) -> None:
        self.overviews = clients.overviews
        self.total_clients = clients.total
        self.query_one("#clients", ClientTable).show(clients.overviews)
        self._status()

    def _status(self) -> None:
        status = self.query_one("#review-status", Label)
        if self.query_one("#review-switcher", ContentSwitcher).current == "hits":
            query = self.query_one("#search", Input).value.strip()
            status.update(
                as_typed(
                    f"{counted(len(self.hits), 'hit')} for “{query}” · Enter opens the session"
                )
                if self.hits
                else as_typed(f"Nothing found for “{query}”")
            )
        elif not self.overviews:
            status.update("No clients yet: start a session from home, or run `companion demo`.")
        else:
            status.update(
                f"{counted(self.total_clients, 'client')} · Enter opens a client's timeline"
            )

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    # -- search -------------------------------------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_typed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        if not event.value.strip():
            self.show_clients_view()
            return
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self.search(event.value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        if not event.value.strip():
            self.show_clients_view()
            return
        self.search(event.value, focus=True)

    @work(thread=True, exclusive=True, group="review-search")
    def search(self, query: str, focus: bool = False) -> None:
        hits = self.store.search(query, limit=100)
        self.app.call_from_thread(self.show_hits, query, hits, focus)

    def show_hits(self, query: str, hits: list[SearchHit], focus: bool = False) -> None:
        """The HITS for QUERY, if the box still holds it: a slow search ("a" on a big practice)
        may end after the one typed after it, whose hits must stay."""
        if self.query_one("#search", Input).value.strip() != query.strip():
            return  # the box was cleared or typed on while the search ran
        self.hits = hits
        options = self.query_one("#hits", OptionList)
        options.set_options(_hit_option(index, hit) for index, hit in enumerate(hits))
        if hits:
            options.highlighted = 0
        self.query_one("#review-switcher", ContentSwitcher).current = "hits"
        if focus and hits:
            options.focus()
        self._status()

    def show_clients_view(self) -> None:
        self.hits = []
        self.query_one("#hits", OptionList).clear_options()
        self.query_one("#review-switcher", ContentSwitcher).current = "clients"
        self._status()

    @on(OptionList.OptionSelected, "#hits")
    def _hit_chosen(self, event: OptionList.OptionSelected) -> None:
        hit = self.hits[event.option_index]
        if hit.session_id is not None:
            find = self.query_one("#search", Input).value
            self.app.push_screen(_session(hit.session_id, find))
        else:
            self.app.push_screen(_timeline(hit.client_id))

    # -- navigation ---------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#clients")
    def _client_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(_timeline(int(event.row_key.value)))

    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if search.value or search.has_focus:
            search.value = ""
            self.show_clients_view()
            self.query_one("#clients", DataTable).focus()
            return
        if len(self.app.screen_stack) > 2:
            self.dismiss()

    def action_search(self) -> None:
        self.focus_search()

    def action_refresh(self) -> None:
        self.load()
        self._load_credential()

    def action_credential(self) -> None:
        panel = self.query_one(CredentialPanel)
        panel.toggle_class("-shown")
        self._load_credential()

    def _load_credential(self) -> None:
        panel = self.query_one(CredentialPanel)
        if panel.has_class("-shown"):
            panel.load(self.store)

    def action_open(self) -> None:
        if self.query_one("#review-switcher", ContentSwitcher).current == "hits":
            hits = self.query_one("#hits", OptionList)
            if hits.highlighted is not None:
                hits.action_select()
            return
        table = self.query_one("#clients", DataTable)
        if table.row_count:
            table.action_select_cursor()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            search = self.query_one("#search", Input)
            return bool(search.value or search.has_focus or len(self.app.screen_stack) > 2)
        return True


def _timeline(client_id: int) -> Screen[None]:
    """A client's timeline (its module loaded when first opened, not before the first paint)."""
    from companion.tui.screens.review_timeline import TimelineScreen

    return TimelineScreen(client_id)


def _session(session_id: int, find: str) -> Screen[None]:
    """One session in full, FIND marked in it."""
    from companion.tui.screens.review_session import SessionScreen

    return SessionScreen(session_id, find=find)


def _hit_option(index: int, hit: SearchHit) -> Option:
    where = "no session" if hit.started_at is None else fmt.day(hit.started_at)
    step = f" · {hit.step}" if hit.step else ""
    return Option(
        Content.assemble(
            (hit.client_name, "bold"),
            f" · {where}{step} · {hit.kind}\n  ",
            fmt.highlight_snippet(" ".join(hit.snippet.split())),
        ),
        id=f"hit-{index}",
    )
