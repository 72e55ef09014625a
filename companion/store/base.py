"""What every part of the store shares: its errors and the lock around the one connection."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from companion.errors import CompanionError

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(CompanionError):
    """A request the store cannot satisfy; the message is fit to show the coach."""


class NotFound(StoreError):
    pass


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Serialise use of the one connection: the UI saves notes from a worker thread."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper
