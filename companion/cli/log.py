"""`companion log`: the coaching-hours log for an ICF credential application."""

from __future__ import annotations

import sys
from datetime import date

import click

from companion.core.dates import DATE_HINT
from companion.core.hours import HoursLog, format_hours, log_csv
from companion.core.text import counted, shown

from .common import DATE, Practice, UserError, echo_json, pass_practice


@click.command("log")
@click.option(
    "--format",
    "output",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="A table to read, CSV for a spreadsheet or the ICF form, or JSON.",
)
@click.option(
    "--since",
    type=DATE,
    help=f"Only sessions on or after this date ({DATE_HINT}).",
)
@click.option(
    "--until",
    type=DATE,
    help=f"Only sessions on or before this date ({DATE_HINT}).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the same as --format json).")
@pass_practice
def log(
    practice: Practice, output: str, since: date | None, until: date | None, as_json: bool
) -> None:
    """The coaching-hours log for an ICF credential (ACC, PCC, MCC).

    One row per client engagement, with the ICF Client Coaching Log's columns: client name,
    contact, individual or group (and the number in the group), start and end date (first and
    last session in the period), paid and pro bono hours; then the totals (hours, paid, pro bono,
    number of clients).

    Hours come from the time in session of FINISHED sessions (the periods companion had them
    open, or as corrected with `companion sessions edit`); a session never finished is left
    out. Time is summed in exact seconds and shown rounded to 0.01 hour; the
    totals are rounded from the exact sum. Paid or pro bono comes from the engagement's billing.

    ICF's rules: a client who has not agreed to be named (`companion engagement set --client
    NAME --log-consent no`) is left off, hours and all; a group session counts its length once;
    a group of more than 15 members is left off. Stderr says how many clients and hours were
    left off and why.

    CSV has the columns of ICF's Client Coaching Log template, spelled as there, one row per
    engagement, then one totals line ("Total: H hours, N clients", first and last date, paid
    and pro bono hours). Contact is the client's, as saved with `companion clients add NAME
    --contact ...`.
    """
    from companion.store.hours import hours_log

    if since is not None and until is not None and until < since:
        raise UserError(f"--until {until} is before --since {since}")
    found = hours_log(practice.reader, since=since, until=until)
    for line in found.left_off_lines():
        click.echo(f"companion: {line}", err=True)
    if as_json or output == "json":
        echo_json(found)
    elif output == "csv":
        document = log_csv(found)
        # To a terminal, control characters in names show as pictures; a pipe gets the exact CSV
        # (color=True: click would otherwise strip what looks like ANSI styles).
        if sys.stdout.isatty():
            click.echo(shown(document, multiline=True), nl=False)
        else:
            click.echo(document, nl=False, color=True)
    else:
        _print_table(found)


def _period(found: HoursLog) -> str:
    if found.since and found.until:
        return f"from {found.since} to {found.until}"
    if found.since:
        return f"since {found.since}"
    if found.until:
        return f"until {found.until}"
    return "all sessions"


_SHORT_HEADERS = ("Client", "Contact", "Kind", "Group", "Start", "End", "Paid h", "Pro bono h")


def _print_table(found: HoursLog) -> None:
    from rich.text import Text

    from .tables import Column, console, print_table

    out = console()
    if not found.rows:
        out.print(f"No finished sessions ({_period(found)}): no coaching hours to log.")
        return
    rows = []
    for row in found.rows:
        who = Text(shown(row.client_name))
        if row.contact:
            who.append(f"\n{shown(row.contact)}", style="dim")
        kind = (
            f"group of {row.group_size}"
            if row.format == "group" and row.group_size
            else (row.kind.lower())
        )
        rows.append(
            (
                who,
                kind,
                f"{row.start_date.isoformat()}\n{row.end_date.isoformat()}",
                str(row.sessions),
                format_hours(row.paid_hours),
                format_hours(row.pro_bono_hours),
            )
        )
    print_table(
        (
            Column("Client"),
            Column("Kind", wrap=False),
            Column("First, last", wrap=False),
            Column("Sessions", "right", wrap=False),
            Column("Paid", "right", wrap=False),  # hours, as the title says
            Column("Pro bono", "right", wrap=False),
        ),
        rows,
        title=f"Coaching hours, {_period(found)}",
        out=out,
    )
    out.print(
        f"Total: {format_hours(found.total_hours)} hours "
        f"(paid {format_hours(found.paid_hours)}, pro bono {format_hours(found.pro_bono_hours)}), "
        f"{counted(found.clients, 'client')}, {counted(found.sessions, 'session')}"
    )
