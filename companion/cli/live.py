"""`companion start`: open the live session screen for a client, straight away.

What can be refused cheaply is checked before the screen opens (one line, exit 2); Textual is
imported only here, inside the command, so the other commands start fast. The screen paints before
pydantic, sqlite-utils or the database are touched: the store is opened just after, and if it will
not open the app closes and the same one line is printed here.
"""

from __future__ import annotations

import click

from companion.core.terms import SESSION_MODES

from .browse import _needs_terminal
from .common import Practice, UserError, pass_practice, run_screen


@click.command()
@click.option("--client", "client_name", required=True, metavar="NAME", help="The client's name.")
@click.option(
    "--protocol",
    "protocol_id",
    metavar="ID",
    help="The session protocol (default: 'first' for a new client, else GROW).",
)
@click.option(
    "--minutes",
    type=click.IntRange(1, 600),
    help="Planned length (default: the protocol's duration).",
)
@click.option("--mode", type=click.Choice(SESSION_MODES), default="video", show_default=True)
@click.option(
    "--nudge-minutes",
    type=click.IntRange(0, 120),
    default=10,
    show_default=True,
    help="Nudge towards the closing steps when this many minutes remain (0: never).",
)
@click.option(
    "--same-engagement",
    is_flag=True,
    help="After the client's engagement was closed: continue it rather than open a new one.",
)
@pass_practice
def start(
    practice: Practice,
    client_name: str,
    protocol_id: str | None,
    minutes: int | None,
    mode: str,
    nudge_minutes: int,
    same_engagement: bool,
) -> None:
    """Start (or resume) a session with a client: protocol, clock, notes and sidebar.

    If the client has a session that was not closed, the screen first offers to resume it. After
    the client's engagement was closed, the session opens a new engagement (numbered from 1
    again) unless --same-engagement.
    """
    if not client_name.strip():
        raise UserError("--client needs a name")
    if protocol_id is not None:  # unknown id, or its file unreadable: one line, exit 2, no screen
        from companion.core.protocol_files import protocol_problem

        problem = protocol_problem(protocol_id, practice.protocol_dirs)
        if problem is not None:
            raise UserError(problem)
    _needs_terminal()

    from companion.core.terms import SessionStart
    from companion.tui.factory import StartSession, build_app

    start_request = SessionStart(
        client_name=client_name.strip(),
        protocol_id=protocol_id,
        minutes=minutes,
        mode=mode,  # type: ignore[arg-type]
        same_engagement=same_engagement,
    )
    app = build_app(
        StartSession(start_request),
        lambda: practice.store,  # opened after the first paint, from a worker thread
        lambda: practice.protocols,
        nudge_minutes=nudge_minutes,
    )
    run_screen(app)
