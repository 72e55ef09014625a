"""`companion protocols`: list, show and validate session protocols."""

from __future__ import annotations

from pathlib import Path

import click

from companion.core.protocol_files import is_folder
from companion.core.protocols import Protocol, ProtocolError, load_protocol_file

from .common import NonEmptyPath, Practice, UserError, echo_json, one_line, pass_practice


@click.group()
def protocols() -> None:
    """The session protocols: built-in, yours, and any --protocols-dir."""


@protocols.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_practice
def list_protocols(practice: Practice, as_json: bool) -> None:
    """List the protocols and where each comes from."""
    library = practice.protocols
    if as_json:
        echo_json(
            [
                {
                    **entry.protocol.model_dump(mode="json", exclude={"steps"}),
                    "steps": len(entry.protocol.steps),
                    "origin": entry.origin,
                    "path": str(entry.path),
                    "replaces": str(entry.replaces.path) if entry.replaces else None,
                }
                for entry in library
            ]
        )
    else:
        from .tables import Column, print_table

        rows = []
        for entry in library:
            p = entry.protocol
            replaces = f", replaces the {entry.replaces.origin} one" if entry.replaces else ""
            rows.append(
                (
                    p.id,
                    p.kind,
                    f"{p.duration_minutes} min",
                    f"{len(p.steps)} steps",
                    p.name,
                    f"[{entry.origin}: {entry.path}{replaces}]",
                )
            )
        print_table(
            (
                Column("Id", wrap=False),
                Column("Kind", wrap=False),
                Column("Length", "right", wrap=False),
                Column("Steps", "right", wrap=False),
                Column("Name"),
                Column("From"),
            ),
            rows,
        )
    for problem in library.errors:
        click.echo(f"skipped: {one_line(problem)}", err=True)


@protocols.command("show")
@click.argument("protocol_id")
@click.option("--toml", "as_toml", is_flag=True, help="Print the protocol file itself.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_practice
def show_protocol(practice: Practice, protocol_id: str, as_toml: bool, as_json: bool) -> None:
    """Show one protocol: its steps, timeboxes, purposes and prompts."""
    library = practice.protocols
    protocol = library.get(protocol_id)
    if as_toml:
        path = library.entries[protocol_id].path
        try:
            click.echo(path.read_text(encoding="utf-8"), nl=False)
        except (OSError, UnicodeDecodeError) as error:  # moved or changed since it was loaded
            raise UserError(f"{path}: cannot read: {error}") from None
    elif as_json:
        echo_json(protocol)
    else:
        click.echo(describe(protocol))


def describe(protocol: Protocol) -> str:
    from companion.core.markers import markers_line

    lines = [
        f"{protocol.name} ({protocol.id}, {protocol.kind}, {protocol.duration_minutes} min)",
        protocol.description,
        "",
    ]
    for number, step in enumerate(protocol.steps, start=1):
        capture = f"  [captures: {step.capture}]" if step.capture else ""
        lines.append(f"{number}. {step.title} ({step.minutes} min){capture}")
        lines.append(f"   {step.purpose}")
        lines.extend(f"   - {prompt}" for prompt in step.prompts)
        if step.markers:
            lines.append(f"   {markers_line(step.markers)}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _protocol_files(paths: tuple[Path, ...], problems: list[str]) -> list[Path]:
    """The files named, with each folder replaced by the .toml files in it."""
    found: list[Path] = []
    for path in paths:
        if is_folder(path):
            inside = sorted(path.glob("*.toml"))
            if not inside:
                problems.append(f"{path}: no .toml files in this folder")
            found.extend(inside)
        else:
            found.append(path)
    return found


@protocols.command("validate")
@click.argument("files", nargs=-1, required=True, type=NonEmptyPath(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check protocol files (or every .toml in a folder); one line per problem on stderr, naming
    the file, the field and what is wrong, a file's problems together; exit status 2 if any."""
    problems: list[str] = []
    for path in _protocol_files(files, problems):
        try:
            protocol = load_protocol_file(path)
        except ProtocolError as error:
            problems.extend(error.problems)
            continue
        click.echo(f"{path}: ok ({protocol.id}, {len(protocol.steps)} steps)")
    if problems:
        # One line per problem, each naming its file (grouped: a file's problems come together).
        for problem in problems:
            click.echo(f"companion: {one_line(problem)}", err=True)
        raise SystemExit(2)
