"""`companion credential`: how far the practice is toward ICF's ACC, PCC and MCC."""

from __future__ import annotations

import click

from companion.core import terms

from .common import Practice, config_or_fail, echo_json, pass_practice


@click.command("credential")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_practice
def credential(practice: Practice, as_json: bool) -> None:
    """Progress toward ICF's ACC, PCC and MCC: what you have, what is missing, and when.

    Counts the hours `companion log` holds (finished sessions, their true durations; clients who
    agreed to be named; groups of up to 15, counted once), from the day your coach-specific
    training began ([credential] training_started = 2024-01-15 in config.toml). For each level:
    the hours, paid hours, clients and recent hours still missing, and the month it is reached
    if the last 90 days' pace holds. The thresholds and their source are in one data file
    (companion/core/credentials.toml). Training hours, mentor coaching and the exam are not
    counted here.
    """
    from companion.core.credential import credential_progress, summary_lines
    from companion.store.credential import counted_sessions

    config = config_or_fail("credential")
    found = credential_progress(
        counted_sessions(practice.reader),
        today=terms.today(),
        training_started=config.training_started,
    )
    if as_json:
        echo_json(found)
        return
    for line in summary_lines(found):
        click.echo(line)
