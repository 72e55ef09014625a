"""`companion export`, `companion import` and `companion forget`: the practice's data in and out.

Exports are the coach's records, so private lines stay in them unless --client-copy asks for a
copy to hand to the client. Files are written for the coach alone (0600, a new folder 0700).
"""

from __future__ import annotations

from pathlib import Path

import click

from companion.core.exchange_markdown import session_document, session_filename, slug
from companion.core.text import counted
from companion.services.files import write_private_file
from companion.store.erase import (
    check_not_open,
    client_footprint,
    forget_client,
    recap_files,
    remove_files,
)
from companion.store.exchange import ExportError, export_practice, read_export
from companion.store.exchange_import import import_practice
from companion.store.records import load_session_record
from companion.store.schema import RECORD_TABLES

from .common import (
    NonEmptyPath,
    Practice,
    UserError,
    client_or_fail,
    echo_json,
    pass_practice,
)

_NAMES: dict[str, tuple[str, str]] = {
    "clients": ("client", "clients"),
    "engagements": ("engagement", "engagements"),
    "goals": ("goal", "goals"),
    "sessions": ("session", "sessions"),
    "notes": ("notes", "notes"),
    "session_periods": ("session period", "session periods"),
    "step_timings": ("step timing", "step timings"),
    "actions": ("action", "actions"),
    "goal_scores": ("goal score", "goal scores"),
    "takeaways": ("takeaway", "takeaways"),
    "recap_edits": ("edited recap", "edited recaps"),
}
_KINDS = (*RECORD_TABLES, "recap_edits")
"""The kinds of record counted, in the order told: the tables of records, then the recap edits."""


def _counted(counts: dict[str, int]) -> str:
    """'1 client, 3 sessions, 2 actions' in the order of _KINDS, zeros left out."""
    parts = []
    for kind in _KINDS:
        number = counts.get(kind, 0)
        if number:
            one, many = _NAMES[kind]
            parts.append(counted(number, one, many))
    return ", ".join(parts) or "nothing"


def _files(number: int) -> str:
    return counted(number, "saved recap file")


class NotConfirmed(click.ClickException):
    """Not done as asked (no yes, or not wiped clean): one line on stderr, exit status 1."""

    exit_code = 1


# -- writing files privately -------------------------------------------------------------------


def private_folder(folder: Path) -> Path:
    """The output folder, created for the coach alone (0700) if it is new."""
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file, not a folder: give --out a folder")
    if not folder.exists():
        from companion.services.files import make_private_folders

        try:
            make_private_folders(folder)  # the new parents too, 0700 whatever the umask
        except OSError as error:
            raise UserError(f"cannot create {folder}: {error.strerror or error}") from None
    return folder


def _free_name(folder: Path, stem: str, suffix: str) -> Path:
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}{suffix}"
        number += 1
    return path


# -- export ------------------------------------------------------------------------------------


@click.command("export")
@click.option("--client", "client_name", metavar="NAME", help="Only this client's records.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="json: everything, for `companion import`; markdown: one file per session.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=NonEmptyPath(path_type=Path),
    help="The folder to write into (created, private, if new).",
)
@click.option(
    "--client-copy",
    is_flag=True,
    help="Leave private (// ) lines out: a copy to hand to the client.",
)
@pass_practice
def export(
    practice: Practice, client_name: str | None, fmt: str, out: Path, client_copy: bool
) -> None:
    """Export the practice (or one client) as JSON or as Markdown files.

    Private lines are kept (these are your records) unless --client-copy.
    """
    store = practice.reader
    client_id = client_or_fail(practice, client_name) if client_name is not None else None
    folder = private_folder(out)
    kept = "private lines left out" if client_copy else "private lines kept"
    try:
        if fmt == "json":
            document = export_practice(store, client_id=client_id, client_copy=client_copy)
            parts = ["companion-export"]
            if client_id is not None:
                parts.append(slug(document.clients[0].name) or f"client-{client_id}")
            if client_copy:
                parts.append("client-copy")
            parts.append(f"{document.exported_at:%Y%m%d-%H%M%S}")
            path = _free_name(folder, "-".join(parts), ".json")
            write_private_file(path, document.to_json())
            counts = {kind: len(getattr(document, kind)) for kind in ("clients", "sessions")}
            click.echo(f"Exported {_counted(counts)} to {path} ({kept}).")
            return
        sessions = sorted(store.sessions(client_id), key=lambda s: (s.started_at, s.id or 0))
        for session in sessions:
            assert session.id is not None
            record = load_session_record(store, session.id)
            text = session_document(record, client_copy=client_copy)
            write_private_file(folder / session_filename(record, client_copy=client_copy), text)
    except OSError as error:
        raise UserError(f"cannot write to {folder}: {error.strerror or error}") from None
    click.echo(f"Wrote {counted(len(sessions), 'session')} as Markdown to {folder} ({kept}).")


# -- import ------------------------------------------------------------------------------------


@click.command("import")
@click.argument("file", type=NonEmptyPath(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print what was added and skipped as JSON.")
@pass_practice
def import_(practice: Practice, file: Path, as_json: bool) -> None:
    """Load a JSON export into this practice: nothing lost, nothing twice.

    Clients are matched by name (ignoring case), sessions by client, start time and protocol;
    what is already here is kept and the file's copy skipped, so importing again adds nothing.
    """
    try:
        text = file.expanduser().read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        document = read_export(text)
    except ExportError as error:
        raise UserError(f"{file}: {error}") from None
    summary = import_practice(practice.store, document)
    if as_json:
        echo_json(summary)
        return
    click.echo(f"Imported {file}: added {_counted(summary.added)}.")
    if summary.skipped:
        click.echo(f"Already here, kept as they are: {_counted(summary.skipped)}.")
    if document.client_copy:
        click.echo("Note: this file is a client copy; it holds no private lines.")


# -- forget ------------------------------------------------------------------------------------


@click.command("forget")
@click.option("--client", "client_name", required=True, metavar="NAME", help="Who to forget.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_practice
def forget(practice: Practice, client_name: str, yes: bool) -> None:
    """Remove a client and everything of theirs, leaving no trace in the database file.

    Sessions, notes, step timings, agreements, goals, scores, actions, takeaways and
    engagements all go, and so do the recaps of their sessions saved in the recaps folder
    (when no clipboard took them). This cannot be undone: export first if you need a copy.
    """
    from companion.core.text import shown
    from companion.services.clipboard import default_recaps_dir

    store = practice.store
    client_id = client_or_fail(practice, client_name)
    client = store.get_client(client_id)
    name = shown(client.name)
    check_not_open(store, client)  # before asking: a session of theirs open in a window
    counts = client_footprint(store, client_id)
    recaps = recap_files(store, client_id, default_recaps_dir())  # named from their records
    if not yes:
        held = _counted(counts) if any(counts.values()) else "no sessions or other records yet"
        if recaps:
            held += f"; {_files(len(recaps))}"
        question = f"Forget {name} and everything of theirs ({held})? This cannot be undone"
        try:
            confirmed = click.confirm(question, default=False)
        except click.Abort:  # no answer at all (no terminal, end of input)
            confirmed = False
        if not confirmed:
            raise NotConfirmed(
                f"{name} was not forgotten: nothing was deleted "
                "(answer y, or add --yes to skip the question)"
            )
    summary = forget_client(store, client_id)
    click.echo(f"Forgot {name}: removed {_counted({'clients': 1, **summary.removed})}.")
    if recaps:
        gone = remove_files(recaps)
        left = f" ({len(recaps) - gone} could not be deleted)" if gone < len(recaps) else ""
        click.echo(f"Deleted {_files(gone)} from {recaps[0].parent}{left}.")
    if not summary.wiped:
        raise NotConfirmed(
            "warning: another program opened the database meanwhile; traces of the deleted "
            "text may remain in unused space until the file is compacted"
        )
