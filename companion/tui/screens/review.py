"""The review browser: clients, then a client's timeline, then one session in full; and search.

Each level is a screen, so Escape always goes back one level. Reading runs in thread workers.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Markdown,
    OptionList,
)
from textual.widgets.option_list import Option

from companion.core.errors import CompanionError
from companion.core.models import Action, Client, Engagement, SearchHit, Session, SessionRecord
from companion.core.notes import is_private
from companion.core.session_view import step_spent
from companion.core.terms import SessionStart
from companion.store import NotFound, Store
from companion.store.overview import ClientOverview, client_overviews
from companion.store.views import SessionView, TimelineView, session_view, timeline_view
from companion.tui.host import give_up_from_thread, host
from companion.tui.screens.review_after import AfterCall, after_call_bindings
from companion.tui.screens.review_find import FindInSession, find_bindings, highlighted
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.credential_panel import CredentialPanel
from companion.tui.widgets.review_commands import ScreenCommands
from companion.tui.widgets.review_goals import GoalChart

SEARCH_DELAY = 0.25
"""Seconds of quiet typing before the search runs."""

BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

OVER_GRACE_SECONDS = 60
"""A step is flagged as over its timebox from one minute over: seconds are not worth a flag."""


def _text(value: str) -> Content:
    """Text shown as typed: never read as markup."""
    return Content(value)


class ReviewBase(Screen[None]):
    """What every level of the review shares: the stylesheet, the palette, back and search."""

    CSS_PATH = "review.tcss"
    COMMANDS = Screen.COMMANDS | {ScreenCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = BREAKPOINTS

    @property
    def store(self) -> Store:
        return host(self).store

    def compose_header(self) -> ComposeResult:
        yield Header()

    def action_back(self) -> None:
        self.dismiss()

    def start_next_session(self, client: Client) -> None:
        """Start the client's next session (the app first offers to resume one not finished,
        and asks about the engagement if it was closed)."""
        from companion.tui.screens.engagement_dialogs import start_asking

        start_asking(self, SessionStart(client.name))

    def action_search(self) -> None:
        """Back to the top of the review, with the cursor in the search box."""
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ReviewScreen):
                while self.app.screen is not screen:
                    self.app.pop_screen()
                screen.focus_search()
                return


# -- level 1: clients and search ---------------------------------------------------------------


def search_key(screen: str) -> Binding:
    """'/' searches every session, on each screen of the review (its id names the screen)."""
    return Binding(
        "slash",
        "search",
        "Search",
        key_display="/",
        tooltip="Search every session",
        id=f"{screen}.search",
    )


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
    ]

    def __init__(self, client_id: int | None = None) -> None:
        super().__init__()
        self.initial_client_id = client_id
        self.overviews: list[ClientOverview] = []
        self.hits: list[SearchHit] = []
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Input(placeholder="Search notes, agreements, actions, takeaways  ( / )", id="search")
        with ContentSwitcher(initial="clients", id="review-switcher"):
            yield DataTable(id="clients", cursor_type="row", zebra_stripes=True)
            yield OptionList(id="hits")
        yield CredentialPanel(id="credential")
        yield Label("", id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Review"
        self._client_columns([])
        self.query_one("#clients", DataTable).focus()
        if self.initial_client_id is not None:
            self.app.push_screen(TimelineScreen(self.initial_client_id))

    def on_screen_resume(self) -> None:
        """Read the practice each time the list shows: a session may have just ended."""
        self.load()
        self._load_credential()

    @work(thread=True, exclusive=True, group="review-load")
    def load(self) -> None:
        try:  # the first read opens the practice (after the first paint)
            found = client_overviews(self.store, today=fmt.today())
        except CompanionError as error:
            give_up_from_thread(self, error)
            return
        self.app.call_from_thread(self.show_clients, found)

    def show_clients(self, overviews: list[ClientOverview]) -> None:
        self.overviews = overviews
        table = self.query_one("#clients", DataTable)
        row = table.cursor_row
        rows = []
        for item in overviews:
            open_text = str(item.open_actions) if item.open_actions else "—"
            if item.overdue_actions:
                open_text += f" ({item.overdue_actions} overdue)"
            rows.append(
                (
                    _rich(item.client.name),
                    str(item.sessions),
                    fmt.day(item.last_session_at),
                    open_text,
                )
            )
        self._client_columns(rows)
        for item, cells in zip(overviews, rows, strict=True):
            table.add_row(*cells, key=str(item.client.id))
        if overviews:
            table.move_cursor(row=min(row, len(overviews) - 1))
        self._status()

    def _client_columns(self, rows: list[tuple[Text, str, str, str]]) -> None:
        """The client table's columns, as wide as their widest cell.

        Given, not measured: DataTable measures its columns when it next goes idle, and rows
        that arrive while it already is (the practice opens after the first paint) could keep
        them as narrow as their headings ("Ana L…")."""
        table = self.query_one("#clients", DataTable)
        table.clear(columns=True)
        headings = (("Client", "client"), ("Sessions", "sessions"))
        headings += (("Last session", "last"), ("Open actions", "open"))
        for index, (label, key) in enumerate(headings):
            widest = max((Text(str(cells[index])).cell_len for cells in rows), default=0)
            table.add_column(label, key=key, width=min(max(widest, len(label)), 60))

    def _status(self) -> None:
        status = self.query_one("#review-status", Label)
        if self.query_one("#review-switcher", ContentSwitcher).current == "hits":
            query = self.query_one("#search", Input).value.strip()
            status.update(
                _text(f"{len(self.hits)} hits for “{query}” · Enter opens the session")
                if self.hits
                else _text(f"Nothing found for “{query}”")
            )
        elif not self.overviews:
            status.update("No clients yet: start a session from home, or run `companion demo`.")
        else:
            status.update(f"{len(self.overviews)} clients · Enter opens a client's timeline")

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
        self.app.call_from_thread(self.show_hits, hits, focus)

    def show_hits(self, hits: list[SearchHit], focus: bool = False) -> None:
        if not self.query_one("#search", Input).value.strip():
            return  # the box was cleared while the search ran
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
            self.app.push_screen(SessionScreen(hit.session_id, find=find))
        else:
            self.app.push_screen(TimelineScreen(hit.client_id))

    # -- navigation ---------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#clients")
    def _client_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(TimelineScreen(int(event.row_key.value)))

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


def _rich(value: str) -> Text:
    """A DataTable cell shown as typed (a plain str there would be read as markup)."""
    return Text(value, no_wrap=True, overflow="ellipsis")


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


class SessionsTable(DataTable[object]):
    """The timeline's table of sessions; tells its screen when its width changes."""

    def on_resize(self) -> None:
        if isinstance(self.screen, TimelineScreen):
            self.screen.fit_sessions()


# -- level 2: a client's timeline --------------------------------------------------------------


def contract_lines(engagement: Engagement, sessions_held: int) -> list[str]:
    """The coaching contract in a few lines, as the coach agreed it."""
    until = f" to {fmt.day(engagement.end_date)}" if engagement.end_date else ""
    planned = (
        f"session {sessions_held} of {engagement.sessions_planned}"
        if engagement.sessions_planned
        else f"{sessions_held} sessions"
    )
    lines = [
        f"{engagement.status.capitalize()} since {fmt.day(engagement.start_date)}{until} · "
        f"{planned} · {fmt.billing(engagement)} · {fmt.engagement_format(engagement)}"
    ]
    if engagement.sponsor_name:
        role = f" ({engagement.sponsor_role})" if engagement.sponsor_role else ""
        lines.append(f"Sponsor: {engagement.sponsor_name}{role} · three-party")
    if engagement.objective:
        lines.append(f"Objective: {engagement.objective}")
    if engagement.confidentiality:
        lines.append(f"Confidentiality: {engagement.confidentiality}")
    return lines


class TimelineScreen(ReviewBase):
    """A client's engagement, sessions and goals, and what to bring to the next session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the clients", id="timeline.back"),
        Binding(
            "n",
            "next_session",
            "Next session",
            tooltip="Start this client's next session",
            id="timeline.next-session",
        ),
        Binding(
            "u",
            "resume",
            "Resume",
            tooltip="Go back into the session not finished",
            id="timeline.resume",
        ),
        search_key("timeline"),
        Binding(
            "c",
            "contract",
            "Edit coaching contract",
            show=False,
            tooltip="The engagement's contract: sponsor, sessions planned, confidentiality",
            id="timeline.contract",
        ),
        Binding(
            "o",
            "open",
            "Open session",
            show=False,
            tooltip="Open the chosen session",
            id="timeline.open-session",
        ),
        Binding(
            "pagedown",
            "scroll(1)",
            "Scroll down",
            show=False,
            priority=True,
            tooltip="Scroll the timeline down a page",
            id="timeline.scroll-down",
        ),
        Binding(
            "pageup",
            "scroll(-1)",
            "Scroll up",
            show=False,
            priority=True,
            tooltip="Scroll the timeline up a page",
            id="timeline.scroll-up",
        ),
    ]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        self.client_id = client_id
        self.data: TimelineView | None = None
        self._table_width = 0
        self._asked_early = False
        """n was pressed before the timeline was read: the session starts once it is."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="timeline"), Horizontal(classes="columns"):
            with Vertical(classes="main-column"):
                yield Label("", id="contract", classes="box")
                yield SessionsTable(id="sessions", cursor_type="row", classes="box")
            with Vertical(classes="side-column"):
                with Vertical(id="next", classes="box"):
                    yield Label("", id="last-agreement")
                    yield Label("", id="open-actions")
                yield Vertical(id="goals", classes="box")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#contract").border_title = "Engagement"
        self.query_one("#sessions").border_title = "Sessions"
        self.query_one("#goals").border_title = "Goals"
        self.query_one("#next").border_title = "Before the next session"
        self.query_one("#next").border_subtitle = "n starts it"
        self.query_one("#sessions", DataTable).focus()

    def on_screen_resume(self) -> None:
        """Read the timeline each time it shows: the next session may have just ended."""
        self.load()

    @work(thread=True, exclusive=True, group="timeline-load")
    def load(self) -> None:
        try:
            data = timeline_view(self.store, self.client_id)
        except NotFound as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show, data)

    def show(self, data: TimelineView) -> None:
        self.data = data
        client = data.client
        self.sub_title = f"Review · {client.name}"
        engagement = data.engagements[-1] if data.engagements else None
        header = client.name + (f" · {client.contact}" if client.contact else "")
        lines = [header]
        if engagement is None:
            lines.append("No engagement yet.")
        else:
            held = sum(1 for s in data.sessions if s.session.engagement_id == engagement.id)
            lines.extend(contract_lines(engagement, held))
            earlier = len(data.engagements) - 1
            if earlier:
                lines.append(f"and {earlier} earlier engagement{'s' if earlier > 1 else ''}")
        self.query_one("#contract", Label).update(_text("\n".join(lines)))

        self._fill_sessions()
        self.query_one("#sessions").border_subtitle = (
            "" if data.sessions else "none yet: press n to start one"
        )

        goals = self.query_one("#goals", Vertical)
        goals.remove_children()
        if data.goals:
            goals.mount_all(GoalChart(item.goal, item.values) for item in data.goals)
        else:
            goals.mount(Label("No goals set yet.", classes="muted"))

        self.query_one("#last-agreement", Label).update(self._last_agreement(data))
        self.query_one("#open-actions", Label).update(self._open_actions(data))
        self.refresh_bindings()
        if self._asked_early:
            self._asked_early = False
            self.start_next_session(data.client)

    def _fill_sessions(self) -> None:
        """(Re)build the sessions table so the agreement column takes the width that is left."""
        if self.data is None:
            return
        table = self.query_one("#sessions", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        fixed = {"#": 3, "Date": 16, "Protocol": 12, "Length": 7}
        padding = 2 * table.cell_padding * (len(fixed) + 1)
        room = table.scrollable_content_region.width - sum(fixed.values()) - padding - 1
        for label, width in fixed.items():
            table.add_column(label, width=width, key=label)
        table.add_column("Agreement", width=max(10, room), key="agreement")
        self._table_width = table.size.width
        from companion.tui.widgets.engagement_blocks import engagement_blocks, engagement_heading

        blocks = engagement_blocks(self.data)
        for numbered in self.data.sessions:
            session = numbered.session
            if session.id in blocks:  # each engagement its own block, headed by its contract
                engagement = blocks[session.id]
                table.add_row(
                    "", "", "", "", _rich(engagement_heading(engagement)),
                    key=f"engagement-{engagement.id}",
                )  # fmt: skip
            table.add_row(
                str(numbered.number),
                fmt.day_and_time(session.started_at),
                _rich(session.protocol_id),
                fmt.minutes(session),
                _rich(session.agreement.topic or "—"),
                key=str(session.id),
            )
        if self.data.sessions:
            table.move_cursor(row=min(row, len(self.data.sessions) - 1))

    def fit_sessions(self) -> None:
        if self.query_one("#sessions", DataTable).size.width != self._table_width:
            self._fill_sessions()

    @staticmethod
    def _last_agreement(data: TimelineView) -> Content:
        last = data.last_finished
        if last is None:
            return Content("No session finished yet.")
        agreement = last.agreement
        parts: list[str | tuple[str, str]] = [
            ("Last agreement", "bold"),
            f" ({fmt.day(last.started_at)})\n",
        ]
        if agreement.is_empty:
            parts.append("none recorded")
        else:
            parts.append(agreement.topic or "—")
            if agreement.desired_outcome:
                parts.append(f"\nOutcome: {agreement.desired_outcome}")
            if agreement.measure_of_success:
                parts.append(f"\nMeasure: {agreement.measure_of_success}")
        if last.next_session_on:
            parts.append(f"\nNext session planned for {fmt.day(last.next_session_on)}")
        return Content.assemble(*parts)

    @staticmethod
    def _open_actions(data: TimelineView) -> Content:
        parts: list[str | tuple[str, str]] = [(f"Open actions ({len(data.open_actions)})", "bold")]
        if not data.open_actions:
            parts.append("\nnone")
        for action in data.open_actions:
            overdue = action.is_overdue(fmt.today())
            parts.append("\n• ")
            parts.append(action.text)
            owner = " · coach's action" if action.owner == "coach" else ""
            parts.append(
                (f"\n  {fmt.due_text(action)}{owner}", "$text-error" if overdue else "$text-muted")
            )
        return Content.assemble(*parts)

    def action_contract(self) -> None:
        from companion.tui.screens.engagement_dialogs import edit_contract

        if self.data is not None:
            edit_contract(self, self.data.client, saved=self.load)

    @on(DataTable.RowSelected, "#sessions")
    def _session_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None and event.row_key.value.isdigit():
            self.app.push_screen(SessionScreen(int(event.row_key.value)))

    def action_open(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if table.row_count:
            table.action_select_cursor()

    def action_scroll(self, pages: int) -> None:
        """Page the whole timeline (the table keeps the arrow keys)."""
        timeline = self.query_one("#timeline", VerticalScroll)
        if pages > 0:
            timeline.scroll_page_down()
        else:
            timeline.scroll_page_up()

    def action_next_session(self) -> None:
        if self.data is None:
            self._asked_early = True  # a quick coach: the key is not lost while the timeline loads
        else:
            self.start_next_session(self.data.client)

    def action_resume(self) -> None:
        unfinished = self.data.unfinished if self.data else None
        if unfinished is not None and unfinished.id is not None:
            host(self).open_session(unfinished.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.data is not None and self.data.unfinished is not None
        return True


# -- level 3: one session in full --------------------------------------------------------------


def session_title(record: SessionRecord) -> str:
    session = record.session
    planned = record.engagement.sessions_planned if record.engagement else None
    number = f"session {record.session_number}" + (f" of {planned}" if planned else "")
    protocol = record.protocol.name if record.protocol else session.protocol_id
    if session.ended_at is None:
        ended, length = " (not finished)", f"{session.planned_minutes} min planned"
    else:
        ended = f"–{session.ended_at:%H:%M}"
        length = f"{fmt.minutes(session)} of {session.planned_minutes} planned"
    return (
        f"{record.client.name} · {number} · {fmt.day_and_time(session.started_at)}{ended} · "
        f"{protocol} · {length} · {session.mode}"
    )


def step_lines(record: SessionRecord) -> Content:
    """Each step's time against its timebox: 'Reality  15:00/12:00 over 3:00'."""
    rows = step_spent(record)
    if not rows:
        return Content.styled("The protocol of this session was not kept.", "$text-muted")
    width = min(19, max(len(row.title) for row in rows))
    parts: list[str | tuple[str, str]] = []
    for index, row in enumerate(rows):
        title = row.title if len(row.title) <= width else row.title[: width - 1] + "…"
        parts.append(("\n" if index else "") + f"{title:<{width}} ")
        box = "—" if row.timebox_minutes is None else fmt.clock(row.timebox_minutes * 60)
        if not row.visits:
            parts.append((f"{'—':>5}/{box} not reached", "$text-muted"))
            continue
        parts.append(f"{fmt.clock(row.seconds):>5}/{box}")
        if row.open:
            parts.append((" running", "$text-warning"))
        elif row.timebox_minutes is not None:
            over = row.seconds - row.timebox_minutes * 60
            if over >= OVER_GRACE_SECONDS:
                parts.append((f" over {fmt.clock(over)}", "bold $text-error"))
    return Content.assemble(*parts)


def action_lines(actions: list[Action], numbers: dict[int, int], *, reviewed: bool) -> Content:
    """Actions and what became of them: done, dropped or still open, and when followed up."""
    if not actions:
        return Content.styled("none", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    marks = {"done": "✓", "dropped": "✗", "open": "○"}
    styles = {"done": "$text-success", "dropped": "$text-muted", "open": "$text-warning"}
    for index, action in enumerate(actions):
        parts.append(("\n" if index else "") + "")
        parts.append((f"{marks[action.status]} ", styles[action.status]))
        parts.append(action.text)
        later = [action.status]
        if action.status == "open" and action.due_on:
            later = [fmt.due_text(action)]
        elif action.due_on:
            later.append(f"due {fmt.day(action.due_on)}")
        if action.owner == "coach":
            later.append("coach's action")
        if not reviewed and action.reviewed_session_id is not None:
            number = numbers.get(action.reviewed_session_id)
            later.append(f"followed up in session {number}" if number else "followed up")
        overdue = action.is_overdue(fmt.today())
        parts.append((f"\n  {' · '.join(later)}", "$text-error" if overdue else "$text-muted"))
    return Content.assemble(*parts)


def score_lines(record: SessionRecord) -> Content:
    if not record.goals:
        return Content.styled("no goals set", "$text-muted")
    parts: list[str | tuple[str, str]] = []
    for index, progress in enumerate(record.goals):
        parts.append(("\n" if index else "") + f"{progress.goal.specific}\n  ")
        if progress.score is None:
            parts.append(("not scored in this session", "$text-muted"))
            continue
        parts.append((f"{progress.score}/10", "bold"))
        change = progress.change
        if change:
            parts.append(
                (f"  ({change:+d} since last)", "$text-success" if change > 0 else "$text-error")
            )
        elif change == 0:
            parts.append(("  (same as last)", "$text-muted"))
    return Content.assemble(*parts)


_SEARCHED_BOXES = ("agreement", "actions-set", "actions-reviewed", "scores", "takeaways")
"""The session's boxes a search can find words in, besides the notes."""


class SessionScreen(AfterCall, FindInSession, ReviewBase):
    """One session in full: agreement, notes (private lines shown and marked), steps, actions,
    scores and takeaways."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the timeline", id="session.back"),
        Binding(
            "left_square_bracket",
            "previous",
            "Earlier",
            key_display="[",
            tooltip="The client's session before this one",
            id="session.earlier",
        ),
        Binding(
            "right_square_bracket",
            "next",
            "Later",
            key_display="]",
            tooltip="The client's session after this one",
            id="session.later",
        ),
        Binding(
            "u",
            "resume",
            "Resume",
            tooltip="Go back into this unfinished session",
            id="session.resume",
        ),
        Binding(
            "t",
            "correct_time",
            "Correct time",
            show=False,  # the footer is full at 80 columns: the palette and the keys panel have it
            id="session.correct-time",
            tooltip="Correct this finished session's start, end or minutes (the hours log follows)",
        ),
        *find_bindings(),  # before n (next session): n is the next match while there is one
        Binding(
            "n",
            "next_session",
            "Next session",
            show=False,  # the footer at 80 columns has the recap and edit keys; the palette has it
            tooltip="Start this client's next session",
            id="session.next-session",
        ),
        *after_call_bindings(),
        search_key("session"),
    ]

    def __init__(self, session_id: int, find: str = "") -> None:
        super().__init__()
        self.session_id = session_id
        self.view: SessionView | None = None
        self._asked_early = False
        self.find = find
        self.places = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("", id="session-title")
        with VerticalScroll(id="session"), Horizontal(classes="columns"):
            with Vertical(classes="main-column"):
                yield Label("", id="agreement", classes="box")
                yield Markdown("", id="notes", classes="box")
            with Vertical(classes="side-column"):
                yield Label("", id="steps", classes="box")
                yield Label("", id="actions-set", classes="box")
                yield Label("", id="actions-reviewed", classes="box")
                yield Label("", id="scores", classes="box")
                yield Label("", id="takeaways", classes="box")
        yield Footer()

    def on_mount(self) -> None:
        titles = {
            "#agreement": "Agreement",
            "#notes": "Notes",
            "#steps": "Steps against their timebox",
            "#actions-set": "Actions set",
            "#actions-reviewed": "Actions followed up",
            "#scores": "Goal scores",
            "#takeaways": "Takeaways",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.query_one("#session").focus()
        self.load()

    @work(thread=True, exclusive=True, group="session-load")
    def load(self) -> None:
        try:
            view = session_view(self.store, self.session_id)
        except NotFound as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show, view)

    async def show(self, view: SessionView) -> None:
        self.view = view
        record = view.record
        session = record.session
        self.sub_title = f"Review · {record.client.name}"
        self.query_one("#session-title", Label).update(Content(session_title(record)))
        agreement = session.agreement
        if agreement.is_empty:
            agreement_text = Content.styled("none recorded", "$text-muted")
        else:
            agreement_text = Content.assemble(
                (agreement.topic or "—", "bold"),
                f"\nOutcome: {agreement.desired_outcome or '—'}",
                f"\nMeasure: {agreement.measure_of_success or '—'}",
            )
        self.query_one("#agreement", Label).update(agreement_text)
        notes = record.notes.text
        private = sum(1 for line in notes.splitlines() if is_private(line))
        notes_box = self.query_one("#notes", Markdown)
        notes_box.border_subtitle = (
            f"{private} private line{'s' if private != 1 else ''}, for you only" if private else ""
        )
        shown_notes = fmt.notes_for_review(notes) if notes.strip() else "*No notes.*"
        found_lines: list[int] = []
        if self.find:
            shown_notes, found_lines = highlighted(shown_notes, self.find_words)
        await notes_box.update(shown_notes)
        self.query_one("#steps", Label).update(step_lines(record))
        self.query_one("#actions-set", Label).update(
            action_lines(record.actions_set, view.numbers, reviewed=False)
        )
        self.query_one("#actions-reviewed", Label).update(
            action_lines(record.actions_reviewed, view.numbers, reviewed=True)
        )
        self.query_one("#scores", Label).update(score_lines(record))
        takeaways = "\n".join(f"• {t.text}" for t in record.takeaways)
        self.query_one("#takeaways", Label).update(
            Content(takeaways) if takeaways else Content.styled("none", "$text-muted")
        )
        self.query_one("#session", VerticalScroll).scroll_home(animate=False)
        if self.find:
            boxes = [self.query_one(f"#{name}") for name in _SEARCHED_BOXES]
            self.call_after_refresh(self.collect_places, boxes, notes_box, found_lines)
        self.refresh_bindings()
        if self._asked_early:
            self._asked_early = False
            self.start_next_session(record.client)

    def _go(self, session_id: int | None) -> None:
        if session_id is not None:
            self.session_id = session_id
            self.load()

    def action_previous(self) -> None:
        self._go(self.view.previous_id if self.view else None)

    def action_next(self) -> None:
        self._go(self.view.next_id if self.view else None)

    def action_next_session(self) -> None:
        if self.view is None:
            self._asked_early = True  # the key is kept while the session is read
        else:
            self.start_next_session(self.view.record.client)

    def action_resume(self) -> None:
        if self.view is not None and not self.view.record.is_finished:
            host(self).open_session(self.session_id)

    def action_correct_time(self) -> None:
        """The form to correct a finished session's start, end or minutes."""
        if self.view is None:
            return
        session = self.view.record.session
        if not session.is_finished:
            self.notify("Only a finished session's time can be corrected.", severity="warning")
            return
        from companion.tui.screens.session_time_form import SessionTimeForm

        self.app.push_screen(SessionTimeForm(self.store, session), self._time_corrected)

    def _time_corrected(self, session: Session | None) -> None:
        if session is None:
            return
        self.notify("Session time corrected")
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.view is not None and not self.view.record.is_finished
        if action == "correct_time":
            return self.view is not None and self.view.record.is_finished
        if action in ("copy_recap", "preview_recap", "edit_session"):
            return self.view is not None
        if action in ("next_match", "previous_match"):
            return bool(self.find and self.places)
        if action == "previous":
            return None if self.view is None or self.view.previous_id is None else True
        if action == "next":
            return None if self.view is None or self.view.next_id is None else True
        return True
