"""Every key of a screen also in the command palette, so nothing is reachable by key alone.

The palette reads the bindings (their description is the title, their tooltip the help), the
screen's own from `active_bindings` (a rebound key shows rebound), and a widget's that is not
focused from its class's BINDINGS, for the commands that act on what it has highlighted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

Command = tuple[str, str, Callable[[], object]]
"""(title, help, what it runs): one entry of the palette."""


def _help(binding: Binding, shown_key: str) -> str:
    return f"{binding.tooltip} ({shown_key})" if binding.tooltip else f"key: {shown_key}"


def screen_commands(screen: Screen[object]) -> Iterator[tuple[str, str, str]]:
    """(title, help, action) for each described key of the screen that is usable right now."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is not screen or not active.enabled or not binding.description:
            continue
        if binding.action in seen:
            continue
        seen.add(binding.action)
        shown_key = screen.app.get_key_display(binding) or key
        yield binding.description, _help(binding, shown_key), binding.action
    # A focused Input hides the screen's letter keys (it takes them as typing), but the palette
    # still runs them.
    for key, bindings in screen._bindings.key_to_bindings.items():
        for binding in bindings:
            if not binding.description or binding.action in seen:
                continue
            if not screen.check_action(binding.action.split("(")[0], ()):
                continue
            seen.add(binding.action)
            shown_key = screen.app.get_key_display(binding) or key
            yield binding.description, _help(binding, shown_key), binding.action


def widget_commands(node: DOMNode) -> list[Command]:
    """The described keys of NODE (a widget, focused or not) as commands run on NODE."""
    commands: list[Command] = []
    for binding in type(node).BINDINGS:
        if isinstance(binding, Binding) and binding.description:
            shown_key = node.app.get_key_display(binding)
            commands.append(
                (
                    binding.description,
                    _help(binding, shown_key),
                    partial(node.run_action, binding.action),
                )
            )
    return commands


class ScreenCommands(Provider):
    """Offers the calling screen's own key bindings as palette commands."""

    def commands(self) -> list[Command]:
        """What the palette offers; screens with more to offer extend it."""
        return [
            (title, help_text, partial(self.screen.run_action, action))
            for title, help_text, action in screen_commands(self.screen)
        ]

    def discoverable(self, title: str) -> bool:
        """Whether TITLE is listed before anything is typed (all, unless a screen says)."""
        return True

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            if self.discoverable(title):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
