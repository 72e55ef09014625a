"""`companion calendar`: next sessions and open actions for khal, vdirsyncer or any calendar."""

from __future__ import annotations

from pathlib import Path

import click

from companion.core.text import counted

from .common import NonEmptyPath, Practice, UserError, config_or_fail, pass_practice


@click.command("calendar")
@click.option(
    "--out",
    "folder",
    type=NonEmptyPath(file_okay=False, path_type=Path),
    help="Write a vdir here: one .ics file per item, rewritten in place on each run.",
)
@click.option("--stdout", "to_stdout", is_flag=True, help="Print one calendar of every item.")
@pass_practice
def calendar(practice: Practice, folder: Path | None, to_stdout: bool) -> None:
    """Next sessions and open actions as iCalendar, for any calendar app.

    Each client's planned next session (the date set on the closing screen) is an event at the
    time and length in config.toml ([calendar] time = "10:00", minutes = 60, time_zone; the
    computer's zone by default), named with the client's first name only; nothing from the
    notes goes in. Each open action is a to-do due on its date (private `//` actions stay out).

    --out DIR writes a vdir (khal reads it, vdirsyncer syncs it to a CalDAV server): one file
    per item, named after its UID, which stays the same from run to run; files of items that
    are gone are removed (only companion's own). --stdout prints one calendar to import.
    """
    if (folder is None) == (not to_stdout):
        raise UserError("give one of --out DIR or --stdout")
    from companion.services.calendar import (
        CalendarSettings,
        local_zone,
        one_calendar,
        vdir_files,
        write_vdir,
    )
    from companion.store.calendar import calendar_plan

    config = config_or_fail("calendar")
    settings = CalendarSettings(
        start=config.calendar_time,
        minutes=config.calendar_minutes,
        zone=local_zone(config.calendar_time_zone),
    )
    plan = calendar_plan(practice.reader)
    if folder is None:
        click.echo(one_calendar(plan, settings).decode("utf-8"), nl=False)
        return
    try:
        result = write_vdir(folder, vdir_files(plan, settings))
    except OSError as error:
        raise UserError(f"cannot write {folder}: {error.strerror or error}") from None
    sessions = counted(len(plan.sessions), "next session")
    actions = counted(len(plan.actions), "open action")
    click.echo(
        f"{folder}: {sessions}, {actions} ({result.written} written, "
        f"{result.unchanged} unchanged, {result.removed} removed)"
    )
