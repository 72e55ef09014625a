"""What every part of the store shares: its errors and the lock around the one connection."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from companion.core.errors import CompanionError, refusal

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(CompanionError):
    """A request the store cannot satisfy; the message is fit to show the coach."""


class NotFound(StoreError):
    pass


_ADVICE = {
    "the disk is full": "free some space on that disk, then try again",
    "the practice file is read-only": "make the file and its folder writable, then try again",
    "another program holds the practice locked": (
        "close the other program or companion window using it, then try again"
    ),
    "the disk reported an error": "check the disk, then run `companion doctor`",
}


def refused(path: Path | None, error: sqlite3.DatabaseError) -> StoreError:
    """SQLite's ERROR as a StoreError: why, in the coach's words, and what to do; never its text.

    The caller raises it `from error`: the cause tells a passing refusal (a full disk, a lock)
    from one for good, and the live screen's writer retries the first kind.
    """
    where = f"the practice database {path}" if path is not None else "the practice database"
    if isinstance(error, sqlite3.IntegrityError):
        reason = "the change breaks one of its rules (a record it names is missing, or a twin)"
        return StoreError(f"{where} refused the change: {reason}")
    reason = refusal(str(error))
    if not reason:
        reason = (
            "it refused the change"
            if isinstance(error, sqlite3.OperationalError)
            else "it reported an error"
        )
        return StoreError(f"{where}: {reason}: run `companion doctor` to check the file")
    return StoreError(f"{where} refused: {reason}: {_ADVICE[reason]}")


@contextlib.contextmanager
def sqlite_refusals(path: Path | None) -> Iterator[None]:
    """Turn SQLite's refusals (a full disk, a read-only file, a lock) into a StoreError.

    A misuse of the connection (sqlite3.ProgrammingError) is a bug, and is left as it is.
    """
    try:
        yield
    except sqlite3.ProgrammingError:
        raise
    except sqlite3.DatabaseError as error:
        raise refused(path, error) from error


class Door(Protocol):
    """What `_locked` needs of the store: its public door (see `Store.writing`)."""

    def writing(self, *, transaction: bool = True) -> contextlib.AbstractContextManager[Any]: ...


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Serialise use of the one connection (the UI saves notes from a worker thread); SQLite's
    refusals come out as a StoreError that says why and what to do (see `refused`).

    The method runs inside `writing(transaction=False)`: a method that writes more than one
    statement opens its own transaction.
    """

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        door = cast(Door, args[0])
        with door.writing(transaction=False):
            return method(*args, **kwargs)

    return wrapper
