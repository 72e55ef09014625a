"""`companion demo`: fill a database with a fictional practice to explore (or to benchmark)."""

from __future__ import annotations

import click

from .common import NonEmptyPath, Practice, pass_practice

DEFAULT_SESSIONS = 120


@click.command("demo")
@click.option(
    "--db",
    "db_path",
    type=NonEmptyPath(dir_okay=False),
    help="The database to fill (overrides the global --db and $COMPANION_DB).",
)
@click.option(
    "--clients",
    type=click.IntRange(1, 20_000),
    help="How many clients (default: about one per ten sessions, at least 8).",
)
@click.option(
    "--sessions",
    type=click.IntRange(0, 100_000),
    default=DEFAULT_SESSIONS,
    show_default=True,
    help="How many sessions in all, shared unevenly among the clients.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="The same seed on the same day gives the same practice.",
)
@pass_practice
def demo(
    practice: Practice, db_path: str | None, clients: int | None, sessions: int, seed: int
) -> None:
    """Fill a database with a realistic, fictional coaching practice to explore.

    Clients with engagements (paid and pro bono, individual and group, some three-party with a
    sponsor), SMARTE goals scored over the sessions, sessions following the built-in protocols
    with notes, markers and step timings, actions done, open and overdue, and takeaways. One
    session is left unfinished, to show resuming. All names are invented. The first three
    clients are a three-party engagement, a pro bono one and a group, and the fourth's engagement
    has ended, so every kind is there.

    Only an EMPTY database is filled (a database that has clients is refused), so fictional
    clients never mix with real ones: use --db for a separate file, e.g.

        companion demo --db demo.db && companion --db demo.db review
    """
    from companion.services.demo import default_clients, fill_demo

    if db_path is not None:
        practice.close()
        practice.db_path = db_path
    store = practice.store
    summary = fill_demo(
        store,
        practice.protocols,
        clients=clients if clients is not None else default_clients(sessions),
        sessions=sessions,
        seed=seed,
    )
    click.echo(
        f"Filled {store.path} with a fictional practice: {summary.clients} clients, "
        f"{summary.sessions} sessions ({summary.unfinished} unfinished), {summary.goals} goals, "
        f"{summary.actions} actions ({summary.open_actions} open, {summary.overdue_actions} "
        "overdue)."
    )
    db_option = f"--db {store.path} " if db_path or practice.db_path else ""
    click.echo(f"Explore it: companion {db_option}review")
