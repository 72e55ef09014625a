"""The review's second level: one client's timeline (contract, sessions by engagement, goals)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import (
    DataTable,
    Footer,
    Label,
)

from companion.core.models import Engagement
from companion.core.text import counted
from companion.store import NotFound
from companion.store.views import TimelineView, timeline_view
from companion.tui.host import host
from companion.tui.screens.review_base import ReviewBase, as_typed, search_key
from companion.tui.screens.review_session import SessionScreen
from companion.tui.widgets import review_format as fmt
from companion.tui.widgets.review_goals import GoalChart


class SessionsTable(DataTable[object]):
    """The timeline's table of sessions; tells its screen when its width changes."""

    def on_resize(self) -> None:
        if isinstance(self.screen, TimelineScreen):
            self.screen.fit_sessions()


# -- level 2: a client's timeline --------------------------------------------------------------


def contract_lines(engagement: Engagement, sessions_held: int) -> list[str]:
    """The coaching contract in a few lines, as the coach agreed it."""
    status, start = engagement.status.capitalize(), fmt.day(engagement.start_date)
    if engagement.end_date is not None:  # 'Closed since' read as the day it closed
        when = f"{status} · {start} to {fmt.day(engagement.end_date)}"
    else:
        when = f"{status} since {start}"
    planned = (
        f"session {sessions_held} of {engagement.sessions_planned}"
        if engagement.sessions_planned
        else counted(sessions_held, "session")
    )
    lines = [
        f"{when} · {planned} · {fmt.billing(engagement)} · {fmt.engagement_format(engagement)}"
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
                lines.append(f"and {counted(earlier, 'earlier engagement')}")
        self.query_one("#contract", Label).update(as_typed("\n".join(lines)))

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
                    "", "", "", "", fmt.table_cell(engagement_heading(engagement)),
                    key=f"engagement-{engagement.id}",
                )  # fmt: skip
            table.add_row(
                str(numbered.number),
                fmt.day_and_time(session.started_at),
                fmt.table_cell(session.protocol_id),
                fmt.minutes(session),
                fmt.table_cell(session.agreement.topic or "—"),
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
        from companion.tui.dialogs.engagement_dialogs import edit_contract

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
