"""`companion notes edit ID`: correct a past session's notes in the coach's own editor.

As git does: $VISUAL, else $EDITOR, run through the shell with the notes' file. The notes are
saved back (one write) only when the editor exits successfully, and left as they were when it
fails. The session is held for the edit (its lease, renewed meanwhile), so a live window cannot
open it while the editor runs, and a session open in a live window is refused.
"""

from __future__ import annotations

import os
import subprocess
import threading
import uuid
from pathlib import Path

import click

from .common import ID, Practice, UserError, pass_practice

NO_EDITOR = (
    "no editor: set VISUAL or EDITOR (for example `export EDITOR=nano`), "
    "or edit the notes in `companion review` (e on a session)"
)


def editor_command() -> str:
    """The editor to run, as git chooses it: $VISUAL, else $EDITOR (UserError when neither)."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    raise UserError(NO_EDITOR)


def run_editor(command: str, path: Path) -> int:
    """Run COMMAND on PATH through the shell (so `code --wait` works); its exit status."""
    try:
        return subprocess.run(["/bin/sh", "-c", f'{command} "$@"', command, str(path)]).returncode
    except OSError as error:
        raise UserError(f"the editor could not be started ({error.strerror or error})") from None


@click.group("notes")
def notes() -> None:
    """A session's notes, from the shell."""


@notes.command("edit")
@click.argument("session_id", type=ID)
@pass_practice
def edit(practice: Practice, session_id: int) -> None:
    """Open the session's notes in $VISUAL / $EDITOR; saved when the editor exits successfully."""
    from companion.core.models import now
    from companion.services.files import data_folder, write_private_file
    from companion.store.lease import LEASE_RENEW_SECONDS, this_host

    store = practice.store
    session = store.get_session(session_id)  # NotFound: one line, status 2; before the editor
    command = editor_command()
    token = f"notes-edit-{uuid.uuid4()}"
    store.take_lease(session_id, token=token, pid=os.getpid(), host=this_host(), at=now())
    stop = threading.Event()
    lost = threading.Event()

    def heartbeat() -> None:  # keeps the session ours while the editor runs, however long
        while not stop.wait(LEASE_RENEW_SECONDS):
            if not store.renew_lease(session_id, token, now()):
                lost.set()

    beating = threading.Thread(target=heartbeat, name="notes-lease", daemon=True)
    path = data_folder("editing") / f"session-{session_id}-notes.md"
    keep_file = False
    try:
        before = store.get_notes(session_id).text
        write_private_file(path, before)
        beating.start()
        status = run_editor(command, path)
        stop.set()
        beating.join()
        if status != 0:
            click.echo(
                f"The editor exited with status {status}: the notes of session {session_id} "
                "are unchanged.",
                err=True,
            )
            raise SystemExit(1)
        try:
            after = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            keep_file = True
            raise UserError(f"{path}: not UTF-8 text; the notes are unchanged") from None
        if after == before:
            click.echo(f"Notes of session {session_id} unchanged.")
            return
        if lost.is_set() or not store.renew_lease(session_id, token, now()):
            keep_file = True
            raise UserError(
                f"session {session_id} was opened in another window meanwhile; the notes are "
                f"unchanged and your edit is kept in {path}"
            )
        try:
            store.save_notes(session.id or session_id, after)
        except Exception:
            keep_file = True
            click.echo(f"Your edit is kept in {path}.", err=True)
            raise
        click.echo(f"Notes of session {session_id} saved.")
    finally:
        stop.set()
        if beating.is_alive():
            beating.join()
        store.release_lease(session_id, token)
        if not keep_file:
            path.unlink(missing_ok=True)
