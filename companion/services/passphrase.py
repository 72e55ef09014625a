"""Where an encrypted practice's passphrase comes from: asked once per start, never stored by
companion itself.

In order: the one given earlier in this process (asked once per start), $COMPANION_PASSPHRASE
(for scripts), the operating system's keyring if the coach chose `--remember`, then whoever
asks: getpass in the terminal for shell commands, a prompt in the app for the screens. A mark
beside the practice (`NAME.keyring`, holding no secret) says the keyring has it, so a coach who
never chose to remember is never sent to the keyring.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from companion.core.errors import CompanionError
from companion.services.files import write_private_file

ENV = "COMPANION_PASSPHRASE"
NEW_ENV = "COMPANION_NEW_PASSPHRASE"
KEYRING_SERVICE = "companion"

Asker = Callable[[Path, str], str | None]
"""Asks the coach for PATH's passphrase (PROBLEM: why again, '' the first time); None: cancelled."""

_known: dict[str, str] = {}
_asker: Asker | None = None


class NoPassphrase(CompanionError):
    """The practice is encrypted and no passphrase could be had (none asked, or cancelled)."""


def _key(path: Path) -> str:
    return str(path.expanduser().resolve())


def ask_with(asker: Asker | None) -> Asker | None:
    """Ask the coach through ASKER from now on; the one before is returned (to put back)."""
    global _asker
    before, _asker = _asker, asker
    return before


def check(passphrase: str) -> str:
    """PASSPHRASE if companion can use it; else NoPassphrase saying why."""
    if not passphrase:
        raise NoPassphrase("the passphrase is empty: an encrypted practice needs one")
    if "\x00" in passphrase:
        raise NoPassphrase("the passphrase contains a NUL character")
    return passphrase


def known(path: Path) -> str | None:
    """PATH's passphrase without asking anyone: this start's, the environment's, the keyring's."""
    if _key(path) in _known:
        return _known[_key(path)]
    from_env = os.environ.get(ENV)
    if from_env is not None:
        return check(from_env)
    return from_keyring(path)


def passphrase_for(path: Path, problem: str = "") -> str:
    """PATH's passphrase (see the module's docstring); NoPassphrase if there is none to be had.

    PROBLEM ('' the first time) says why it is asked again: then only the coach is asked.
    """
    if not problem:
        found = known(path)
        if found is not None:
            return found
    if _asker is None:
        raise NoPassphrase(no_terminal())
    answer = _asker(path, problem)
    if answer is None:
        raise NoPassphrase("it is encrypted and no passphrase was given")
    return check(answer)


def no_terminal() -> str:
    """Why no passphrase could be asked, and what to do instead."""
    return f"it is encrypted: type its passphrase in a terminal, or give it in ${ENV}"


def opened_with(path: Path, passphrase: str) -> None:
    """PASSPHRASE opened PATH: not asked again in this start."""
    _known[_key(path)] = passphrase


def rejected(path: Path) -> None:
    """PATH's passphrase of this start did not open it: forget it."""
    _known.pop(_key(path), None)


def forget_all() -> None:
    """Forget every passphrase of this start (tests; a new start in the same process)."""
    _known.clear()


# -- the keyring, opt-in ---------------------------------------------------------------------


def mark_path(path: Path) -> Path:
    """The mark beside PATH saying its passphrase is in the keyring (no secret in it)."""
    return path.with_name(f"{path.name}.keyring")


def from_keyring(path: Path) -> str | None:
    """PATH's passphrase from the keyring, if the coach chose to remember it and it is there."""
    if not mark_path(path).is_file():
        return None
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, _key(path))
    except Exception:  # no keyring installed, none running, locked: ask the coach instead
        return None


def remember(path: Path, passphrase: str) -> str:
    """Keep PATH's passphrase in the keyring; '' when done, else why not, in a few words."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, _key(path), passphrase)
    except ImportError:
        return "the keyring package is not installed (pip install keyring)"
    except Exception as error:  # no backend, locked, refused
        return f"the keyring refused it ({type(error).__name__})"
    try:
        write_private_file(mark_path(path), json.dumps({"keyring": KEYRING_SERVICE}) + "\n")
    except OSError as error:
        return f"the mark beside the practice could not be written ({error.strerror})"
    return ""


def remembered(path: Path) -> bool:
    return mark_path(path).is_file()


def forget_remembered(path: Path) -> None:
    """Take PATH's passphrase out of the keyring (it was decrypted, or the coach asked)."""
    if not remembered(path):
        return
    with contextlib.suppress(Exception):
        import keyring

        keyring.delete_password(KEYRING_SERVICE, _key(path))
    with contextlib.suppress(OSError):
        mark_path(path).unlink()
