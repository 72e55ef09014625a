"""The live screen's actions by name: the command palette and the F1 list."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    pass

# (title in the palette, help, action): every action of the screen under a plain name.
COMMANDS: list[tuple[str, str, str]] = [
    ("Next step", "Move to the protocol's next step (ctrl+n)", "next_step"),
    ("Previous step", "Go back one step (ctrl+o)", "previous_step"),
    ("Jump to step…", "Choose any step by number (ctrl+g)", "jump"),
    ("Set session agreement", "Topic, desired outcome, measure of success (f2)", "agreement"),
    ("Add action", "An action the client commits to (f4)", "add_action"),
    ("Add goal", "A SMARTE goal for the client (f5)", "add_goal"),
    ("Follow up earlier actions", "Mark them done, dropped or carried forward (ctrl+r)", "review"),
    ("Save notes now", "Write the notes to disk (ctrl+s; they autosave anyway)", "save_notes"),
    ("Copy recap", "Copy the draft recap for the client (f8)", "copy_recap"),
    ("End session", "Actions, scores, takeaways, next date; then the recap (f10)", "end_session"),
    ("Toggle sidebar", "Show or hide the engagement, goals and actions (ctrl+t)", "toggle_sidebar"),
    ("Show keys", "Every key of this screen (f1)", "show_keys"),
    ("Focus notes", "Back to typing (ctrl+l)", "focus_notes"),
]

REVIEW_COMMANDS: list[tuple[str, str, str]] = [
    ("Mark action done", "The highlighted earlier action (d)", "review('done')"),
    ("Mark action dropped", "The highlighted earlier action (x)", "review('dropped')"),
    ("Carry action forward", "Keep the highlighted action open (c)", "review('carried')"),
]


class LiveCommands(Provider):
    """The live screen's actions in the command palette, and 'Step N: title' for each step."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from companion.tui.screens.live import LiveScreen

        screen = self.screen
        assert isinstance(screen, LiveScreen)
        if not screen.loaded:
            return []
        found = [(t, h, partial(screen.run_action, a)) for t, h, a in COMMANDS]
        if screen.review_list.highlighted_option is not None:
            found += [
                (t, h, partial(screen.review_list.run_action, a)) for t, h, a in REVIEW_COMMANDS
            ]
        for index, step in enumerate(screen.protocol.steps):
            found.append(
                (f"Step {index + 1}: {step.title}", step.purpose, partial(screen.go_to, index))
            )
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if not title.startswith("Step "):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
