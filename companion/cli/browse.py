"""The screens you browse: `companion` alone opens home, `companion review` the review browser.

Textual is imported only inside these functions, so the other commands start fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .common import Practice, UserError, client_or_fail, pass_practice, run_screen

if TYPE_CHECKING:
    from collections.abc import Callable

    from companion.store import Store
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
    from companion.tui.app import CompanionApp

    run_screen(CompanionApp(_store_or_opener(practice), practice.protocols, start_with="home"))


def _store_or_opener(practice: Practice) -> Store | Callable[[], Store]:
    """The practice, open; or, encrypted, how to open it: the app asks for its passphrase."""
    from companion.store.cipher import looks_encrypted
    from companion.store.paths import resolve_db_path

    if looks_encrypted(resolve_db_path(practice.db_path)):
        return lambda: practice.store
    return practice.store


def review_app(practice: Practice, client_id: int | None = None) -> CompanionApp:
    """The app opened on the review, on one client's timeline if CLIENT_ID is given."""
    from companion.tui.app import CompanionApp

    return CompanionApp(
        _store_or_opener(practice),
        practice.protocols,
        start_with="review",
        review_client_id=client_id,
    )


@click.command()
@click.option("--client", "client_name", metavar="NAME", help="Open this client's timeline.")
@pass_practice
def review(practice: Practice, client_name: str | None) -> None:
    """Browse past sessions: clients, their timeline, a session in full, and search."""
    client_id = client_or_fail(practice, client_name) if client_name is not None else None
    _needs_terminal()
    run_screen(review_app(practice, client_id))
