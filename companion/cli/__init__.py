"""The `companion` command line: a thin face over the core and the store.

Commands that show no screen never import Textual, so they start fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from companion import __version__

from . import browse, clients, protocols
from . import demo as demo_commands
from . import exchange as exchange_commands
from . import live as live_commands
from . import log as log_commands
from . import review_cmds
from . import sessions as session_commands
from .common import CompanionGroup, Practice


@click.group(cls=CompanionGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="companion")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    help="The practice database file (default: $COMPANION_DB, else your user data folder).",
)
@click.option(
    "--protocols-dir",
    "protocol_dirs",
    type=click.Path(file_okay=False, path_type=Path),
    multiple=True,
    help="Another folder of protocol TOML files; its protocols replace ones with the same id.",
)
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, protocol_dirs: tuple[Path, ...]) -> None:
    """companion: your session protocol, live notes, goals and actions, beside the call."""
    practice = Practice(db_path=db_path, protocol_dirs=protocol_dirs)
    ctx.obj = practice
    ctx.call_on_close(practice.close)
    if ctx.invoked_subcommand is None:
        browse.no_command(ctx)


cli.add_command(protocols.protocols)
cli.add_command(clients.clients)
cli.add_command(session_commands.sessions)
cli.add_command(session_commands.show)
cli.add_command(session_commands.recap)
cli.add_command(browse.review)
cli.add_command(exchange_commands.export)
cli.add_command(exchange_commands.import_)
cli.add_command(exchange_commands.forget)
cli.add_command(review_cmds.search)
cli.add_command(review_cmds.actions)
cli.add_command(review_cmds.goals)
cli.add_command(log_commands.log)
cli.add_command(live_commands.start)
cli.add_command(demo_commands.demo)


def main() -> None:
    cli(prog_name="companion")
