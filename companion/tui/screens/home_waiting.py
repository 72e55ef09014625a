"""Home's right-hand side: what is waiting, the sessions left unfinished and the actions due.

r (or Enter on one) resumes an unfinished session; Enter on an action due opens that client's
timeline in the review. The lists are filled from what home read (HomeView), their highlights
kept across a read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from companion.tui.host import host
from companion.tui.screens.home_names import highlight
from companion.tui.widgets import review_format as fmt

if TYPE_CHECKING:  # pydantic and the store load after the first paint, in the first read
    from companion.store.views import DueAction, HomeView, UnfinishedSession


class HomeWaiting(Screen[None]):
    """The unfinished sessions and the actions due (HomeScreen builds on it)."""

    data: HomeView | None

    @property
    def _unfinished(self) -> list[UnfinishedSession]:
        return self.data.unfinished if self.data is not None else []

    @property
    def _due(self) -> list[DueAction]:
        return self.data.due if self.data is not None else []

    def _fill_waiting(self, data: HomeView) -> None:
        """The unfinished sessions and the actions due, as DATA has them (highlights kept)."""
        unfinished = self.query_one("#unfinished", OptionList)
        keep_session = unfinished.highlighted_option.id if unfinished.highlighted_option else None
        unfinished.set_options(
            Option(
                Content.assemble(
                    (item.client_name, "bold"),
                    f" · {fmt.day_and_time(item.session.started_at)}\n  {item.label}",
                ),
                id=f"session-{item.session.id}",
            )
            for item in data.unfinished
        )
        if not data.unfinished:
            unfinished.add_option(Option("None: every session was closed", disabled=True))
        highlight(unfinished, keep_session)
        self.query_one("#unfinished-box").set_class(not data.unfinished, "-empty")

        due = self.query_one("#due", OptionList)
        keep_action = due.highlighted_option.id if due.highlighted_option else None
        due.set_options(self._due_option(item) for item in data.due)
        if not data.due:
            due.add_option(Option("Nothing due this week", disabled=True))
        elif data.due_total > len(data.due):
            more = data.due_total - len(data.due)
            due.add_option(Option(f"…and {more:,} more: companion actions --open", disabled=True))
        highlight(due, keep_action)

    @staticmethod
    def _due_option(item: DueAction) -> Option:
        action, client_name = item.action, item.client_name
        overdue = action.is_overdue(fmt.today())
        when = fmt.due_text(action)
        return Option(
            Content.assemble(
                (when, "bold $text-error" if overdue else "$text-warning"),
                "  ",
                (client_name, "bold"),
                f"\n  {action.text}",
            ),
            id=f"action-{action.id}",
        )

    def action_actions(self) -> None:
        self.query_one("#due", OptionList).focus()

    def action_resume(self) -> None:
        unfinished = self.query_one("#unfinished", OptionList)
        option = unfinished.highlighted_option
        if option is None and self._unfinished:
            option = unfinished.get_option_at_index(0)
        if option is None or option.id is None:
            self.notify("No unfinished session to resume.")
            return
        host(self).open_session(int(option.id.removeprefix("session-")))

    @on(OptionList.OptionSelected, "#unfinished")
    def _session_chosen(self) -> None:
        self.action_resume()

    @on(OptionList.OptionSelected, "#due")
    def _action_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        action_id = int(event.option.id.removeprefix("action-"))
        action = next((d.action for d in self._due if d.action.id == action_id), None)
        if action is not None:
            host(self).open_review(client_id=action.client_id)
