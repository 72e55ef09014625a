"""`companion engagement`: the coaching contract of a client, from the shell.

`show` prints the client's current contract (the open one, else the latest), `set` changes that
same one (starting one when the client has none), `close` ends the open one on a day. The next
session after a close opens a new engagement, whose sessions are numbered from 1 again.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from companion.core.models import GROUP_SIZE_MAX, SESSIONS_PLANNED_MAX, Engagement
from companion.core.text import shown

from .common import DATE, Practice, UserError, client_or_fail, echo_json, pass_practice

BILLING = {"paid": "paid", "pro-bono": "pro_bono", "pro_bono": "pro_bono"}
CONSENT = {"yes": True, "no": False}


@click.group()
def engagement() -> None:
    """The coaching contract: sponsor, confidentiality, sessions planned, billing, objective."""


def contract_facts(found: Engagement, sessions_held: int) -> list[tuple[str, str]]:
    """The contract as (label, value) lines, in the order a coach reads them."""
    planned = f" of {found.sessions_planned} planned" if found.sessions_planned else ""
    until = f" to {found.end_date}" if found.end_date else ""
    kind = "group" + (f" of {found.group_size}" if found.group_size else "")
    rows = [
        ("Status", f"{found.status}, from {found.start_date}{until}"),
        ("Sessions", f"{sessions_held} held{planned}"),
        ("Billing", "pro bono" if found.billing == "pro_bono" else "paid"),
        ("Format", kind if found.format == "group" else "individual"),
    ]
    if found.sponsor_name:
        role = f" ({found.sponsor_role})" if found.sponsor_role else ""
        contact = f" <{found.sponsor_contact}>" if found.sponsor_contact else ""
        rows.append(("Sponsor", f"{found.sponsor_name}{role}{contact} · three-party"))
    if found.objective:
        rows.append(("Objective", found.objective))
    if found.confidentiality:
        rows.append(("Confidentiality", found.confidentiality))
    rows.append(("ICF log", "may be named" if found.log_consent else "not to be named"))
    return rows


def _current(practice: Practice, client_name: str) -> tuple[int, Engagement]:
    client_id = client_or_fail(practice, client_name)
    found = practice.store.open_engagement(client_id) or practice.store.latest_engagement(client_id)
    if found is None:
        raise UserError(
            f"{client_name.strip()!r} has no engagement yet: "
            f"companion engagement set --client {client_name.strip()!r} ... starts one"
        )
    return client_id, found


def _held(practice: Practice, found: Engagement) -> int:
    return sum(
        1
        for session in practice.store.sessions(found.client_id)
        if session.engagement_id == found.id
    )


@engagement.command("show")
@click.option("--client", "client_name", required=True, metavar="NAME", help="The client.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every field of the contract).")
@pass_practice
def show(practice: Practice, client_name: str, as_json: bool) -> None:
    """The client's current engagement: the open one, else the latest."""
    store = practice.reader  # it only reads: what follows uses this one, never creating it
    _, found = _current(practice, client_name)
    held = _held(practice, found)
    if as_json:
        client = store.get_client(found.client_id)
        echo_json(
            found.model_dump(mode="json") | {"client_name": client.name, "sessions_held": held}
        )
        return
    click.echo(f"Engagement {found.id} · {shown(client_name.strip())}")
    for label, value in contract_facts(found, held):
        click.echo(f"  {label + ':':<17}{shown(value, multiline=True)}")


def _choice(table: dict[str, Any]) -> click.Choice:
    """The words TABLE takes, as typed in the shell (pro-bono, not pro_bono), any case."""
    return click.Choice(sorted({key for key in table if "_" not in key}), case_sensitive=False)


@engagement.command("set")
@click.option("--client", "client_name", required=True, metavar="NAME", help="The client.")
@click.option("--sponsor", metavar="NAME", help="Who sponsors the coaching (HR, the manager).")
@click.option("--sponsor-role", metavar="ROLE", help="The sponsor's role, e.g. 'HR partner'.")
@click.option("--sponsor-contact", metavar="TEXT", help="How to reach the sponsor.")
@click.option(
    "--planned", type=click.IntRange(1, SESSIONS_PLANNED_MAX), help="How many sessions are planned."
)
@click.option("--confidentiality", metavar="TEXT", help="The confidentiality terms agreed.")
@click.option("--billing", type=_choice(BILLING), help="Paid or pro bono.")
@click.option(
    "--format", "format_", type=click.Choice(["individual", "group"]), help="Individual or group."
)
@click.option("--group-size", type=click.IntRange(2, GROUP_SIZE_MAX), help="How many in the group.")
@click.option("--objective", metavar="TEXT", help="The engagement's overall objective.")
@click.option("--start", type=DATE, help="The day the engagement started.")
@click.option(
    "--log-consent",
    type=_choice(CONSENT),
    help="Whether the client may be named in your ICF coaching log.",
)
@pass_practice
def set_(
    practice: Practice,
    client_name: str,
    start: date | None,
    format_: str | None,
    billing: str | None,
    log_consent: str | None,
    **texts: Any,
) -> None:
    """Change the client's current contract: the open engagement, else the latest (a closed one
    keeps its end; the next session opens a new one). One is started if they have none.

    Only the options given change; an empty text ('') clears that line.
    """
    store = practice.store
    client_id = client_or_fail(practice, client_name)
    name = store.get_client(client_id).name
    current = store.open_engagement(client_id) or store.latest_engagement(client_id)
    fields = {
        "sponsor_name": texts["sponsor"],
        "sponsor_role": texts["sponsor_role"],
        "sponsor_contact": texts["sponsor_contact"],
        "sessions_planned": texts["planned"],
        "confidentiality": texts["confidentiality"],
        "objective": texts["objective"],
        "group_size": texts["group_size"],
        "start_date": start,
        "format": format_,
        "billing": BILLING[billing.lower()] if billing else None,
        "log_consent": CONSENT[log_consent.lower()] if log_consent else None,
    }
    update = {name: value for name, value in fields.items() if value is not None}
    if not update:
        raise UserError("nothing to change: give at least one option, e.g. --planned 6")
    base = current.model_dump() if current is not None else {"client_id": client_id}
    merged = base | update
    if format_ == "individual":
        if texts["group_size"] is not None:
            raise UserError("--group-size is for a group engagement: add --format group")
        merged["group_size"] = None
    if merged.get("group_size") is not None and merged.get("format", "individual") != "group":
        raise UserError("--group-size is for a group engagement: add --format group")
    if (
        merged.get("end_date")
        and merged.get("start_date")
        and merged["end_date"] < merged["start_date"]
    ):
        raise UserError(f"the engagement ended on {merged['end_date']}: it cannot start after that")
    contract = Engagement.model_validate(merged)
    if current is None:
        contract = store.add_engagement(contract)
        click.echo(f"Started engagement {contract.id} for {shown(name)}")
    else:
        store.save_engagement(contract)
        closed = f" (closed on {contract.end_date})" if contract.status == "closed" else ""
        click.echo(f"Updated engagement {contract.id}{closed} for {shown(name)}")


@engagement.command("close")
@click.option("--client", "client_name", required=True, metavar="NAME", help="The client.")
@click.option("--on", "on", type=DATE, help="The day it ended (default: today).")
@pass_practice
def close(practice: Practice, client_name: str, on: date | None) -> None:
    """End the client's open engagement; their next session opens a new one."""
    client_id = client_or_fail(practice, client_name)
    current = practice.store.open_engagement(client_id)
    if current is None or current.id is None:
        raise UserError(f"{client_name.strip()!r} has no open engagement to close")
    closed = practice.store.close_engagement(current.id, on)
    click.echo(
        f"Closed engagement {closed.id} for {shown(client_name.strip())} on {closed.end_date}"
        f" after {_held(practice, closed)} sessions"
    )
