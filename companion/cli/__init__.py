"""The `companion` command line: a thin face over the core and the store.

Commands that show no screen never import Textual, so they start fast.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from companion import __version__

from .common import CompanionGroup, NonEmptyPath, Practice

# Each command's module is imported only when that command runs (or the help lists them all), so
# `companion start` pays for nothing but itself before the live screen paints.
COMMANDS: dict[str, str] = {
    "start": "companion.cli.live:start",
    "review": "companion.cli.browse:review",
    "sessions": "companion.cli.sessions:sessions",
    "show": "companion.cli.sessions:show",
    "recap": "companion.cli.sessions:recap",
    "notes": "companion.cli.notes:notes",
    "search": "companion.cli.review_cmds:search",
    "actions": "companion.cli.editing:actions",
    "goals": "companion.cli.editing:goals",
    "clients": "companion.cli.clients:clients",
    "engagement": "companion.cli.engagement:engagement",
    "protocols": "companion.cli.protocols:protocols",
    "export": "companion.cli.exchange:export",
    "import": "companion.cli.exchange:import_",
    "forget": "companion.cli.exchange:forget",
    "log": "companion.cli.log:log",
    "calendar": "companion.cli.calendar:calendar",
    "credential": "companion.cli.credential:credential",
    "demo": "companion.cli.demo:demo",
    "doctor": "companion.cli.doctor:doctor",
    "encrypt": "companion.cli.encryption:encrypt",
    "decrypt": "companion.cli.encryption:decrypt",
    "rekey": "companion.cli.encryption:rekey",
}


class LazyGroup(CompanionGroup):
    """The top-level group: finds a command's module when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="companion")
@click.option(
    "--db",
    "db_path",
    type=NonEmptyPath(dir_okay=False),
    help="The practice database file (default: $COMPANION_DB, else your user data folder).",
)
@click.option(
    "--protocols-dir",
    "protocol_dirs",
    type=NonEmptyPath(file_okay=False, path_type=Path),
    multiple=True,
    help="Another folder of protocol TOML files; its protocols replace ones with the same id.",
)
@click.pass_context
def cli(ctx: click.Context, db_path: str | None, protocol_dirs: tuple[Path, ...]) -> None:
    """companion: your session protocol, live notes, goals and actions, beside the call."""
    practice = Practice(db_path=db_path, protocol_dirs=protocol_dirs)
    ctx.obj = practice
    _ask_in_terminal()
    ctx.call_on_close(practice.close)
    if ctx.invoked_subcommand is None:
        from .browse import no_command

        no_command(ctx)


def _ask_in_terminal() -> None:
    """An encrypted practice's passphrase is asked in the terminal (the live screen asks in
    the app instead, see tui/dialogs/unlock.py)."""
    from companion.services import passphrase

    from .encryption import ask_in_terminal

    passphrase.ask_with(ask_in_terminal)


def main() -> None:
    cli(prog_name="companion")
