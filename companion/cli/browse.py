"""The screens you browse: `companion` alone opens home, `companion review` the review browser.

Textual is imported only inside these functions, so the other commands start fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .common import Practice, UserError, pass_practice, run_screen

if TYPE_CHECKING:
    from companion.tui.app import CompanionApp


def _needs_terminal() -> None:
    """A full-screen app needs a terminal: say so in one line instead of drawing into a pipe."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UserError("this opens a full-screen view and needs a terminal (try --help)")


def no_command(ctx: click.Context) -> None:
    """`companion` alone: the home screen in a terminal, the help when piped or scripted."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(ctx.get_help())
        return
    practice = ctx.find_object(Practice)
    assert practice is not None
    from companion.tui.factory import OpenHome, build_app

    # The practice opens after the first paint, from the home screen's first read.
    run_screen(build_app(OpenHome(), lambda: practice.store, lambda: practice.protocols))


def review_app(practice: Practice, client_name: str | None = None) -> CompanionApp:
    """The app opened on the review, on the timeline of the client called CLIENT_NAME if given
    (looked up after the first paint: an encrypted practice is unlocked in the app first)."""
    from companion.tui.factory import OpenReview, build_app

    return build_app(
        OpenReview(client_name),
        lambda: practice.store,  # opened after the first paint, from a worker thread
        lambda: practice.protocols,
    )


@click.command()
@click.option("--client", "client_name", metavar="NAME", help="Open this client's timeline.")
@pass_practice
def review(practice: Practice, client_name: str | None) -> None:
    """Browse past sessions: clients, their timeline, a session in full, and search."""
    if client_name is not None and not client_name.strip():
        raise UserError("--client needs a name")
    _needs_terminal()
    practice.refuse_if_named_wrong()  # a typo in --db is said here, not as an empty review
    run_screen(review_app(practice, client_name))
