"""`companion clients`: the people you coach."""

from __future__ import annotations

import click

from companion.core.models import Client
from companion.core.text import shown

from .common import Practice, UserError, echo_json, pass_practice


@click.group()
def clients() -> None:
    """The people you coach."""


@clients.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_practice
def list_clients(practice: Practice, as_json: bool) -> None:
    """List clients by name."""
    found = practice.reader.clients()
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo("No clients yet: add one with `companion clients add NAME`.")
        return
    from .tables import Column, print_table

    print_table(
        (Column("Id", "right", wrap=False), Column("Name"), Column("Contact")),
        [(str(client.id), shown(client.name), shown(client.contact)) for client in found],
    )


@clients.command("add")
@click.argument("name")
@click.option("--contact", default="", help="Email or phone, as you want it in the hours log.")
@pass_practice
def add_client(practice: Practice, name: str, contact: str) -> None:
    """Add a client."""
    if not name.strip():
        raise UserError("a client needs a name, e.g. companion clients add 'Ana Lopez'")
    client = practice.store.add_client(Client(name=name, contact=contact))
    click.echo(f"Added client {client.id}: {shown(client.name)}")
