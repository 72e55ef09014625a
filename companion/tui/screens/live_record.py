"""Recording in the live session: the agreement, goals, actions, follow-ups, the recap, the end.

Each form hands back a model; the write (and the sidebar's fresh read) runs on the session's
writer, off the event loop, in the order asked; the sidebar shows it once written. A refused
write stays with the writer and is retried (see live_saving).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work

from companion.core.errors import CompanionError
from companion.tui.host import read_then
from companion.tui.screens.live_base import LiveBase
from companion.tui.widgets.sidebar import ReviewList, Sidebar

if TYPE_CHECKING:
    from companion.core.models import Action, Agreement, Engagement, Goal
    from companion.services.clipboard import CopyResult
    from companion.store.views import SidebarView
    from companion.tui.screens.closing_draft import ClosingDraft


class LiveRecording(LiveBase):
    """The recording part of the live screen."""

    closing_left: ClosingDraft | None = None
    """What the closing screen held when the coach came back from it (F10 shows it again)."""

    def sidebar_data(self) -> SidebarView:
        """What the sidebar shows (read on the writer's thread after a change)."""
        from companion.store.views import sidebar_view

        return sidebar_view(self.store, self.session_id)

    def refresh_sidebar(self) -> None:
        self.query_one(Sidebar).show(self.sidebar_data())

    def _record_then_show(self, label: str, write: object) -> None:
        """Record a change and, once it is written, show the sidebar read after it."""

        def run() -> SidebarView:
            write()  # type: ignore[operator]
            return self.sidebar_data()

        self.record(label, run, self.query_one(Sidebar).show)

    def action_agreement(self) -> None:
        from companion.tui.dialogs.forms import AgreementForm

        def saved(agreement: Agreement | None) -> None:
            if agreement is not None:
                self.session = self.session.model_copy(update={"agreement": agreement})
                session_id, store = self.session_id, self.store

                def write() -> None:
                    stored = store.get_session(session_id)
                    store.save_session(stored.model_copy(update={"agreement": agreement}))

                self._record_then_show("the agreement", write)
            self.action_focus_notes()

        self.app.push_screen(AgreementForm(self.session.agreement), saved)

    def action_edit_contract(self) -> None:
        from companion.tui.dialogs.contract_form import ContractForm

        engagement_id = self.session.engagement_id
        if engagement_id is None:
            self.notify("This session belongs to no engagement.", severity="warning")
            return

        def saved(contract: Engagement | None) -> None:
            if contract is not None:
                self._record_then_show("the contract", lambda: self.store.save_engagement(contract))
            self.action_focus_notes()

        def show(engagement: Engagement) -> None:
            self.app.push_screen(ContractForm(engagement, self.client.name), saved)

        read_then(self, "Contract not read", lambda: self.store.get_engagement(engagement_id), show)

    def action_goals_review(self) -> None:
        from companion.tui.dialogs.goals_review import GoalsReview

        def closed(changed: bool | None) -> None:
            if changed:
                self._record_then_show("the goals", lambda: None)  # the sidebar reads again
            self.action_focus_notes()

        today = self.clock().date()

        def show(goals: list[Goal]) -> None:
            self.app.push_screen(GoalsReview(self.store, goals, today=today), closed)

        read_then(self, "Goals not read", lambda: self.sidebar_data().goals, show)

    def action_add_goal(self) -> None:
        from companion.tui.dialogs.forms import GoalForm, new_goal

        def saved(goal: Goal | None) -> None:
            if goal is not None:
                self._record_then_show("the goal", lambda: self.store.save_goal(goal))
            self.action_focus_notes()

        draft = new_goal(self.session.client_id, self.session.engagement_id)
        self.app.push_screen(GoalForm(draft), saved)

    def action_add_action(self) -> None:
        from companion.tui.dialogs.forms import ActionForm, new_action

        def saved(action: Action | None) -> None:
            if action is not None:
                owned = action.model_copy(
                    update={"client_id": self.session.client_id, "session_id": self.session_id}
                )
                self._record_then_show("the action", lambda: self.store.save_action(owned))
            self.action_focus_notes()

        client_id, engagement_id = self.session.client_id, self.session.engagement_id

        def read() -> tuple[list[Goal], str, str]:
            try:  # unread, the form still opens: an action needs no goal
                goals = self.store.goals(client_id, status="active")
                if engagement_id is None:
                    return goals, "", ""
                return goals, self.store.get_engagement(engagement_id).sponsor_name, ""
            except CompanionError as error:
                return [], "", str(error)

        def show(found: tuple[list[Goal], str, str]) -> None:
            goals, sponsor, problem = found
            if problem:
                self.notify(problem, title="Goals not read", severity="error")
            draft = new_action(client_id, self.session_id)
            self.app.push_screen(ActionForm(draft, goals, sponsor=sponsor), saved)

        read_then(self, "Goals not read", read, show)

    def action_review(self) -> None:
        reviews = self.review_list
        if not reviews.option_count:
            self.notify("No earlier actions are open.")
            return
        self.show_sidebar()
        reviews.focus()

    @on(ReviewList.Reviewed)
    def _reviewed(self, event: ReviewList.Reviewed) -> None:
        action_id, session_id = event.action_id, self.session_id
        if event.review == "carried":
            self._carry_forward(action_id)
            return
        status = event.review
        self._record_then_show(
            "the follow-up",
            lambda: self.store.set_action_status(action_id, status, reviewed_in=session_id),
        )

    def _carry_forward(self, action_id: int) -> None:
        """Carried forward: ask its new due date, then keep it open with that date."""
        from companion.tui.dialogs.carry_form import CarryForwardForm, NewDueDate

        session_id, store = self.session_id, self.store

        def chosen(answer: NewDueDate | None) -> None:
            if answer is not None:

                def write() -> None:
                    store.set_action_status(action_id, "open", reviewed_in=session_id)
                    stored = store.get_action(action_id)
                    store.save_action(stored.model_copy(update={"due_on": answer.due_on}))

                self._record_then_show("the follow-up", write)
            self.review_list.focus()

        read_then(
            self,
            "Action not read",
            lambda: store.get_action(action_id),
            lambda action: self.app.push_screen(CarryForwardForm(action), chosen),
        )

    # -- recap and the end -------------------------------------------------------------------

    def action_copy_recap(self) -> None:
        self.flush_notes()
        self._copy_draft_recap()

    @work(thread=True, exclusive=True, group="recap")
    def _copy_draft_recap(self) -> None:
        """The draft recap in the coach's default form (recap.format in config.toml)."""
        from companion.services.recaps import session_recap
        from companion.tui.screens.recap_preview import copy_recap

        try:
            recap = session_recap(self.store, self.session_id, self.host.recap_format)
        except CompanionError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._copied, copy_recap(self.app, recap))

    def _copied(self, result: CopyResult) -> None:
        self.notify(
            result.message, title="Draft recap", severity="information" if result.ok else "error"
        )

    def action_end_session(self) -> None:
        from companion.tui.screens.closing import ClosingScreen

        if not self.flush_notes():
            self.notify(
                "The practice cannot be written to, so the session cannot be closed yet: "
                "everything is kept here and saving is retried.",
                title="Not closed",
                severity="error",
            )
            return

        closing = ClosingScreen(self.session_id, self.closing_left)

        def closed(done: bool | None) -> None:
            self.closing_left = closing.left_as
            if done:
                from companion.tui.screens.session_closed import SessionClosed

                self.retire()
                # After the closing screen has fully gone: replacing this screen now would
                # happen while its dismissal is still being awaited.
                self.app.call_later(self.host.replace_screen, SessionClosed(self.session_id))
            else:
                self.action_focus_notes()

        self.app.push_screen(closing, closed)
