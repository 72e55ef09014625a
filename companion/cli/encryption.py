"""`companion encrypt`, `decrypt`, `rekey`: the practice encrypted at rest (SQLCipher), and the
terminal's way of asking for its passphrase.

The passphrase is asked once per start (getpass: nothing echoed, nothing in the shell's history),
or taken from $COMPANION_PASSPHRASE for scripts, or from the keyring after `--remember`.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click

from companion.core.text import counted
from companion.services import passphrase

from .common import Practice, UserError, pass_practice


def _terminal() -> bool:
    """Whether the coach can be asked (getpass needs a terminal)."""
    return sys.stdin.isatty()


def ask_in_terminal(path: Path, problem: str) -> str | None:
    """The passphrase of the practice at PATH, typed without echo (asked once per start)."""
    if not _terminal():
        raise passphrase.NoPassphrase(passphrase.no_terminal())
    if problem:
        click.echo(f"companion: {problem}", err=True)
    return getpass.getpass(f"Passphrase for {path}: ")


def _new_passphrase(path: Path, env: str) -> str:
    """A new passphrase for PATH: from $ENV, else typed twice in the terminal."""
    given = os.environ.get(env)
    if given is not None:
        return _usable(given)
    if not _terminal():
        raise UserError(
            f"a new passphrase for {path} is needed: type it in a terminal, or give it in ${env}"
        )
    first = _usable(getpass.getpass(f"New passphrase for {path}: "))
    if getpass.getpass("The same again, to be sure: ") != first:
        raise UserError("the two passphrases differ; nothing was changed")
    return first


def _usable(text: str) -> str:
    try:
        return passphrase.check(text)
    except passphrase.NoPassphrase as error:
        raise UserError(f"{error}; nothing was changed") from None


def _needs_sqlcipher(command: str) -> None:
    from companion.store import cipher

    if not cipher.installed():
        raise UserError(cipher.missing(f"`companion {command}`"))


def _path(practice: Practice) -> Path:
    from companion.store.paths import resolve_db_path

    return resolve_db_path(practice.db_path)


def _remember(path: Path, secret: str) -> None:
    problem = passphrase.remember(path, secret)
    if problem:
        click.echo(f"companion: the passphrase was not remembered: {problem}", err=True)
    else:
        click.echo("The passphrase is in your keyring: companion will not ask for it here.")


_REMEMBER_HELP = (
    "Keep the passphrase in the operating system's keyring, so companion does not ask for it "
    "on this computer."
)


@click.command()
@click.option("--remember", is_flag=True, help=_REMEMBER_HELP)
@pass_practice
def encrypt(practice: Practice, remember: bool) -> None:
    """Encrypt the practice with a passphrase only you hold (SQLCipher).

    The practice is copied into a new encrypted file, which is checked record by record, then
    put in its place in one step; the plain file is then overwritten and removed. Without the
    passphrase the file is random bytes. Forget the passphrase and the notes are gone: keep it
    somewhere safe. The new passphrase is typed twice, or taken from $COMPANION_PASSPHRASE.
    """
    from companion.store import cipher
    from companion.store.recrypt import rewrite

    _needs_sqlcipher("encrypt")
    path = _path(practice)
    if cipher.looks_encrypted(path):
        raise UserError(
            f"the practice {path} is already encrypted: change its passphrase with "
            "`companion rekey`"
        )
    store = practice.store  # checked and upgraded before anything is copied
    secret = _new_passphrase(path, passphrase.ENV)
    rewrite(store, "", secret)
    practice.close()
    passphrase.opened_with(path, secret)
    click.echo(f"Encrypted {path}: companion asks for its passphrase when it opens it.")
    if remember:
        _remember(path, secret)
    _warn_of_rescues(path)


def _warn_of_rescues(path: Path) -> None:
    """Rescue files from before hold notes in plain text: say where (they go once brought back)."""
    from companion.services.rescue import find_rescues

    found = find_rescues(path)
    if found:
        sessions = ", ".join(str(rescued.session_id) for rescued in found[:8])
        click.echo(
            f"companion: {counted(len(found), 'rescue file')} from before hold notes unencrypted "
            f"(sessions "
            f"{sessions}): open those sessions to bring them back, which removes the files",
            err=True,
        )


@click.command()
@pass_practice
def decrypt(practice: Practice) -> None:
    """Turn the encrypted practice back into a plain SQLite file (asks for the passphrase).

    The passphrase is also taken out of the keyring, if it was remembered there.
    """
    from companion.store import cipher
    from companion.store.recrypt import rewrite

    _needs_sqlcipher("decrypt")
    path = _path(practice)
    if not cipher.looks_encrypted(path):
        raise UserError(f"the practice {path} is not encrypted; nothing was changed")
    store = practice.store
    rewrite(store, passphrase.known(path) or "", "")
    practice.close()
    passphrase.rejected(path)
    passphrase.forget_remembered(path)
    click.echo(f"Decrypted {path}: it is a plain SQLite file again, readable without a key.")


@click.command()
@click.option("--remember", is_flag=True, help=_REMEMBER_HELP)
@pass_practice
def rekey(practice: Practice, remember: bool) -> None:
    """Change the encrypted practice's passphrase (the old one is asked first).

    The new one is typed twice, or taken from $COMPANION_NEW_PASSPHRASE. A passphrase kept in
    the keyring is replaced there too.
    """
    from companion.store import cipher
    from companion.store.recrypt import rewrite

    _needs_sqlcipher("rekey")
    path = _path(practice)
    if not cipher.looks_encrypted(path):
        raise UserError(
            f"the practice {path} is not encrypted: encrypt it with `companion encrypt`"
        )
    store = practice.store
    old = passphrase.known(path) or ""
    secret = _new_passphrase(path, passphrase.NEW_ENV)
    if secret == old:
        raise UserError("the new passphrase is the old one; nothing was changed")
    rewrite(store, old, secret)
    practice.close()
    passphrase.opened_with(path, secret)
    click.echo(f"The passphrase of {path} is changed.")
    if remember or passphrase.remembered(path):
        _remember(path, secret)
