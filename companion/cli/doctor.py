"""`companion doctor`: the full check of a practice file, read-only."""

from __future__ import annotations

import click

from .common import NonEmptyPath, Practice, pass_practice


@click.command("doctor")
@click.option(
    "--db",
    "db_path",
    type=NonEmptyPath(dir_okay=False),
    help="The database to check (overrides the global --db and $COMPANION_DB).",
)
@pass_practice
def doctor(practice: Practice, db_path: str | None) -> int:
    """Check the practice file in full, without writing to it.

    The checks: that it is an SQLite database, SQLite's full integrity check, that it is
    companion's (and not from a newer companion), that every reference points at a row that is
    there, and the search indexes' own integrity check (on a copy in memory, since that check
    is a write to SQLite). One line per check; exit status 0 when all is well, 2 when not.
    A damaged file: restore your latest backup (see "Your data" in the README).
    """
    from companion.store.checks import examine
    from companion.store.paths import resolve_db_path
    from companion.store.schema import SEARCH_INDEXED
    from companion.store.unlock import passphrase_of

    path = resolve_db_path(db_path or practice.db_path)
    findings = examine(path, list(SEARCH_INDEXED), passphrase_of(path))
    click.echo(f"companion doctor: {path}")
    for finding in findings:
        click.echo(f"  {'ok  ' if finding.ok else 'FAIL'}  {finding.check}: {finding.detail}")
    healthy = all(finding.ok for finding in findings)
    if healthy:
        click.echo("All is well.")
    else:
        click.echo("Problems found: companion will not open this file; restore a backup.")
    return 0 if healthy else 2
