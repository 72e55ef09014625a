"""The closing screen's actions: drafted from the notes, kept or removed, owned, edited, added.

The actions arrive from the notes' ``- [ ]`` lines (with a due date read from their words) and
from the actions already stored for the session; the coach keeps or removes each (space),
changes its owner (o), edits it (Enter) or adds one (ctrl+n) before the close stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from companion.core.dates import due_in_words
from companion.core.models import Action, now
from companion.core.notes import action_candidates
from companion.core.text import text_key
from companion.tui.dialogs.forms import ActionForm, goal_label, new_action

if TYPE_CHECKING:
    from companion.store.views import ClosingView


@dataclass
class ActionDraft:
    """One action as the closing screen holds it: the record and whether the coach keeps it."""

    action: Action
    kept: bool = True

    @property
    def is_stored(self) -> bool:
        return self.action.id is not None


def closing_actions(
    notes_text: str,
    stored: list[Action],
    *,
    client_id: int,
    session_id: int,
    today: date | None = None,
) -> list[ActionDraft]:
    """The session's stored actions, then the notes' action lines not already among them, each
    with the due date its words give ('by Friday': the Friday after TODAY)."""
    drafts = [ActionDraft(action, kept=action.status != "dropped") for action in stored]
    seen = {text_key(action.text) for action in stored}
    for text in action_candidates(notes_text):
        if text_key(text) in seen:
            continue
        seen.add(text_key(text))
        due = due_in_words(text, today=today)  # 'by Friday': a date, and the words kept
        drafts.append(
            ActionDraft(Action(client_id=client_id, session_id=session_id, text=text, due_on=due))
        )
    return drafts


def actions_to_store(drafts: list[ActionDraft], at: date | None = None) -> list[Action]:
    """What finish_session gets: the kept actions, and the stored ones removed, marked dropped."""
    result: list[Action] = []
    for draft in drafts:
        action = draft.action
        if draft.kept:
            if action.status == "dropped":
                action = action.model_copy(update={"status": "open", "closed_at": None})
            result.append(action)
        elif draft.is_stored and action.status != "dropped":
            result.append(
                action.model_copy(
                    update={"status": "dropped", "closed_at": action.closed_at or now()}
                )
            )
    return result


def view_drafts(view: ClosingView) -> list[ActionDraft]:
    """The action list the closing screen starts from (see closing_actions)."""
    session = view.session
    assert session.id is not None
    return closing_actions(  # 'by Friday' was said in the session: the Friday after its day
        view.notes,
        view.actions,
        client_id=session.client_id,
        session_id=session.id,
        today=session.started_at.date(),
    )


class ActionList(OptionList):
    """The actions to confirm: space keeps or removes one, Enter edits it, o swaps its owner."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "screen.toggle_action",
            "Keep/remove",
            tooltip="Keep or remove the highlighted action",
            id="closing-actions.keep-remove",
        ),
        Binding(
            "e",
            "screen.edit_action",
            "Edit action",
            show=False,
            tooltip="Edit the highlighted action (Enter too)",
            id="closing-actions.edit",
        ),
        Binding(
            "o",
            "screen.swap_owner",
            "Swap action owner",
            show=False,
            tooltip="Who does the highlighted action: coachee, coach, or the sponsor",
            id="closing-actions.owner",
        ),
    ]


class ClosingActions(Screen[bool]):
    """The action list of the closing screen (ClosingScreen builds on it)."""

    session_id: int
    data: ClosingView | None
    drafts: list[ActionDraft]

    def _goal_names(self) -> dict[int, str]:
        goals = self.data.action_goals if self.data else []
        return {g.id: goal_label(g, 28) for g in goals if g.id is not None}

    def _prompt(self, draft: ActionDraft) -> Content:
        action = draft.action
        parts = [self._sponsor() or "sponsor" if action.owner == "sponsor" else action.owner]
        parts.append(f"due {action.due_on:%Y-%m-%d}" if action.due_on else "no due date")
        if action.goal_id is not None:
            parts.append(f"goal: {self._goal_names().get(action.goal_id, '?')}")
        if action.status == "done":
            parts.append("done")
        details = " · ".join(str(part) for part in parts)
        if draft.kept:
            return Content.assemble(
                ("✓ ", "bold $text-success"), action.text, "\n", (f"  {details}", "$text-muted")
            )
        return Content.assemble(
            ("✗ ", "bold $text-error"),
            (action.text, "strike $text-muted"),
            "\n",
            ("  removed: space keeps it", "$text-muted"),
        )

    def _fill_actions(self, highlight: int | None = None) -> None:
        actions = self.query_one("#actions", ActionList)
        keep = actions.highlighted if highlight is None else highlight
        actions.set_options(
            Option(self._prompt(draft), id=f"draft-{index}")
            for index, draft in enumerate(self.drafts)
        )
        if not self.drafts:
            actions.add_option(
                Option("No actions yet: ctrl+n adds one (none in the notes)", disabled=True)
            )
        elif keep is not None:
            actions.highlighted = min(keep, len(self.drafts) - 1)
        self.refresh_bindings()

    def _sponsor(self) -> str:
        """The sponsor's name in a three-party engagement (who may then own an action)."""
        engagement = self.data.engagement if self.data is not None else None
        return engagement.sponsor_name if engagement is not None else ""

    def chosen(self) -> int | None:
        """The index of the highlighted action, if any."""
        highlighted = self.query_one("#actions", ActionList).highlighted
        if highlighted is None or not 0 <= highlighted < len(self.drafts):
            return None
        return highlighted

    def action_toggle_action(self) -> None:
        index = self.chosen()
        if index is not None:
            self.drafts[index].kept = not self.drafts[index].kept
            self._fill_actions()

    def action_swap_owner(self) -> None:
        index = self.chosen()
        if index is not None:
            action = self.drafts[index].action
            owners = ["coachee", "coach"] + (["sponsor"] if self._sponsor() else [])
            at = owners.index(action.owner) if action.owner in owners else -1
            owner = owners[(at + 1) % len(owners)]  # coachee, coach, the sponsor, round again
            self.drafts[index].action = action.model_copy(update={"owner": owner})
            self._fill_actions()

    def action_edit_action(self) -> None:
        index = self.chosen()
        if index is None or self.data is None:
            return

        def edited(action: Action | None) -> None:
            if action is not None:
                self.drafts[index] = ActionDraft(action, kept=action.status != "dropped")
                self._fill_actions(index)
            self.query_one("#actions", ActionList).focus()

        self.app.push_screen(
            ActionForm(self.drafts[index].action, self.data.action_goals, sponsor=self._sponsor()),
            edited,
        )

    def action_add_action(self) -> None:
        if self.data is None:
            return
        session = self.data.session

        def added(action: Action | None) -> None:
            if action is not None:
                self.drafts.append(ActionDraft(action))
                self._fill_actions(len(self.drafts) - 1)
            self.query_one("#actions", ActionList).focus()

        draft = new_action(session.client_id, self.session_id)
        self.app.push_screen(
            ActionForm(draft, self.data.action_goals, sponsor=self._sponsor()), added
        )

    @on(OptionList.OptionSelected, "#actions")
    def _action_chosen(self) -> None:
        self.action_edit_action()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_action", "edit_action", "swap_owner"):
            return self.chosen() is not None
        return True
