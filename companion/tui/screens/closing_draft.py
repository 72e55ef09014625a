"""The closing screen as the coach left it to go back to the session, shown again at the next F10.

Escape ("Back to session") stores nothing, but what was entered there (actions kept, removed or
edited, scores, takeaways, the next date) is not thrown away: the live screen keeps it in memory
and the next closing screen starts from it, with any action written in the notes or added since.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from companion.core.text import text_key
from companion.tui.screens.closing_actions import ActionDraft


@dataclass(frozen=True)
class ClosingDraft:
    """What a closing screen held, as typed (a score or date that does not parse yet included)."""

    actions: list[ActionDraft]
    offered: frozenset[str]
    """The actions the list was drafted from, by their text: one of them edited here is not
    offered again from its line in the notes."""
    scores: dict[int, str] = field(default_factory=dict)
    """Each goal's score as typed, by goal id."""
    takeaways: str = ""
    next_date: str = ""


def offered(drafts: list[ActionDraft]) -> frozenset[str]:
    """DRAFTS by their text, as the list was drafted (see ClosingDraft.offered)."""
    return frozenset(text_key(draft.action.text) for draft in drafts)


def resumed(draft: ClosingDraft, fresh: list[ActionDraft]) -> list[ActionDraft]:
    """The actions of DRAFT as the coach left them, then those of FRESH (drafted from the notes
    and the store now) that are new since: stored since, or a line written in the notes since.

    An action stored since with the text of one drafted from the notes takes its place (as the
    closing screen's own drafting does), so the close does not store it twice."""
    kept_ids = {d.action.id for d in draft.actions if d.is_stored}
    result = list(draft.actions)
    for item in fresh:
        key = text_key(item.action.text)
        if not item.is_stored:
            if key not in draft.offered:
                result.append(item)
            continue
        if item.action.id in kept_ids:
            continue
        drafted = (n for n, d in enumerate(result) if not d.is_stored)
        twin = next((n for n in drafted if text_key(result[n].action.text) == key), None)
        if twin is None:
            result.append(item)
        else:
            result[twin] = ActionDraft(item.action, kept=result[twin].kept)
    return result
