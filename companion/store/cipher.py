"""SQLCipher: the practice encrypted at rest, with a passphrase only the coach holds.

`sqlcipher3` (the `encryption` extra) bundles SQLCipher 4; its connection works under
`sqlite_utils.Database`, FTS5 included. Its errors are its own classes, not `sqlite3`'s, and the
whole store (and the live screen's writer) tells a full disk or a lock by `sqlite3`'s classes: so
the connection handed out here turns each of its errors into the `sqlite3` error of that name.

An encrypted practice has no SQLite header: from its first byte it is random to anyone without
the key, so a file that is not SQLite, of whole pages, is taken for one and needs a passphrase.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

from .base import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
INSTALL = "pip install 'companion[encryption]'"
CACHE_KIB = 32 * 1024  # an encrypted practice's page cache, at most (SQLite's default: 2 MiB)
PAGE = 512  # SQLCipher's pages are a multiple of this (4096 by default)
T = TypeVar("T")


def _module() -> ModuleType | None:
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        return None
    return dbapi2


def installed() -> bool:
    """Whether SQLCipher is there (the `encryption` extra)."""
    return _module() is not None


def missing(what: str) -> str:
    """One line saying WHAT needs SQLCipher and how to get it."""
    return f"{what} needs SQLCipher, which is not installed: {INSTALL}"


def looks_encrypted(path: Path) -> bool:
    """Whether PATH may be an encrypted practice: whole pages, without SQLite's header."""
    try:
        if not path.is_file():
            return False
        size = path.stat().st_size
        if size < PAGE or size % PAGE:
            return False
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) != SQLITE_HEADER
    except OSError:
        return False


class WrongPassphrase(StoreError):
    """The passphrase does not open the practice (or the file is not an encrypted practice)."""


def wrong_passphrase(path: Path | str) -> WrongPassphrase:
    return WrongPassphrase(
        f"cannot open the practice database {path}: the passphrase does not open it (or the "
        "file is not a companion practice); nothing was written to it"
    )


def quoted(passphrase: str) -> str:
    """PASSPHRASE as an SQL string literal (PRAGMA key takes no parameters)."""
    return "'" + passphrase.replace("'", "''") + "'"


def _translated(error: Exception) -> sqlite3.Error:
    """SQLCipher's ERROR as the `sqlite3` error of the same name, with its code and message."""
    kind = getattr(sqlite3, type(error).__name__, None)
    if not (isinstance(kind, type) and issubclass(kind, sqlite3.Error)):
        kind = sqlite3.DatabaseError
    new = kind(*error.args)
    for name in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, name):
            setattr(new, name, getattr(error, name))
    return new


def _errors(module: ModuleType) -> type[Exception]:
    return cast(type[Exception], module.Error)


def _calling(module: ModuleType, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return call(*args, **kwargs)
    except _errors(module) as error:
        raise _translated(error) from None


class CipherCursor:
    """An SQLCipher cursor whose errors are `sqlite3`'s (see the module's docstring)."""

    def __init__(self, module: ModuleType, cursor: Any) -> None:
        self._module = module
        self._cursor = cursor

    def execute(self, *args: Any) -> CipherCursor:
        _calling(self._module, self._cursor.execute, *args)
        return self

    def executemany(self, *args: Any) -> CipherCursor:
        _calling(self._module, self._cursor.executemany, *args)
        return self

    def executescript(self, *args: Any) -> CipherCursor:
        _calling(self._module, self._cursor.executescript, *args)
        return self

    def fetchone(self) -> Any:
        return _calling(self._module, self._cursor.fetchone)

    def fetchall(self) -> list[Any]:
        return cast(list[Any], _calling(self._module, self._cursor.fetchall))

    def fetchmany(self, *args: Any) -> list[Any]:
        return cast(list[Any], _calling(self._module, self._cursor.fetchmany, *args))

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return _calling(self._module, self._cursor.__next__)

    def __getattr__(self, name: str) -> Any:  # description, lastrowid, rowcount, close, ...
        return getattr(self._cursor, name)


class CipherConnection:
    """An SQLCipher connection whose errors are `sqlite3`'s; everything else passes through."""

    def __init__(self, module: ModuleType, connection: Any) -> None:
        self._module = module
        self._connection = connection

    def cursor(self) -> CipherCursor:
        return CipherCursor(self._module, self._connection.cursor())

    def execute(self, *args: Any) -> CipherCursor:
        return self.cursor().execute(*args)

    def executemany(self, *args: Any) -> CipherCursor:
        return self.cursor().executemany(*args)

    def executescript(self, *args: Any) -> CipherCursor:
        return self.cursor().executescript(*args)

    def commit(self) -> None:
        _calling(self._module, self._connection.commit)

    def rollback(self) -> None:
        _calling(self._module, self._connection.rollback)

    def close(self) -> None:
        _calling(self._module, self._connection.close)

    def __enter__(self) -> CipherConnection:
        self._connection.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return _calling(self._module, self._connection.__exit__, *exc)

    def __getattr__(self, name: str) -> Any:  # in_transaction, isolation_level, create_function
        return getattr(self._connection, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._connection, name, value)


def connect(
    target: str | Path, passphrase: str, *, where: Path | str | None = None, **options: Any
) -> sqlite3.Connection:
    """A connection to TARGET (a path, or a URI with uri=True) unlocked with PASSPHRASE.

    '' opens a plain SQLite file (what `encrypt` reads and `decrypt` writes). Raises
    WrongPassphrase, naming WHERE (default TARGET), when the key does not open it, and a
    StoreError saying how to install SQLCipher when it is missing.
    """
    module = _module()
    if module is None:
        raise StoreError(missing(f"the encrypted practice {where or target}"))
    file = _file_of(target, bool(options.get("uri")))
    keys = _key_pragmas(passphrase, file) if passphrase else [""]
    for number, key in enumerate(keys):
        raw = _calling(module, module.connect, str(target), **options)
        try:
            raw.execute("PRAGMA cipher_log_level = NONE")  # else it writes failures to stderr
            if key:  # none for a plain file: SQLCipher refuses an empty key
                raw.execute(f"PRAGMA key = {key}")
            raw.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except _errors(module) as error:
            raw.close()
            if getattr(error, "sqlite_errorname", "") != "SQLITE_NOTADB":
                raise _translated(error) from None
            if number == len(keys) - 1:
                raise wrong_passphrase(where or target) from None
            continue
        if key:  # pages read are decrypted once, then kept: a plain file has the OS's cache
            raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if file is not None and key != keys[0]:
            _opened_by[(passphrase, _salt(file) or b"")] = key  # the derived key did not fit
        return cast(sqlite3.Connection, CipherConnection(module, raw))
    raise AssertionError("unreachable")


# -- the key derivation, once per start --------------------------------------------------------
#
# SQLCipher derives the page key from the passphrase (PBKDF2-HMAC-SHA512, 256,000 rounds: a
# quarter of a second) on every connection, and opening a practice takes two (the read-only
# first look, then the connection that writes). So companion derives it once, as SQLCipher
# would from the file's salt (its first 16 bytes), and hands SQLCipher the raw key; should it
# not fit (a file made with other settings), the passphrase itself is tried.

KDF_ROUNDS = 256_000  # SQLCipher 4's default kdf_iter
KEY_BYTES = 32
_opened_by: dict[tuple[str, bytes], str] = {}


def forget_keys() -> None:
    """Forget the keys derived in this process (a new start, in tests)."""
    _opened_by.clear()


def _file_of(target: str | Path, uri: bool) -> Path | None:
    """The file TARGET names (a path, or a file: URI), if any."""
    text = str(target)
    if uri:
        from urllib.parse import unquote, urlparse

        parsed = urlparse(text)
        return Path(unquote(parsed.path)) if parsed.scheme == "file" else None
    return None if text == ":memory:" else Path(text)


def _salt(file: Path) -> bytes | None:
    """An encrypted file's salt: its first 16 bytes (None for a plain, new or short file)."""
    try:
        with file.open("rb") as handle:
            head = handle.read(PAGE)
    except OSError:
        return None
    if len(head) < PAGE or head.startswith(SQLITE_HEADER):
        return None
    return head[:16]


def _key_pragmas(passphrase: str, file: Path | None) -> list[str]:
    """What to give PRAGMA key, in order: the raw key derived once, then the passphrase."""
    salt = _salt(file) if file is not None else None
    if salt is None:
        return [quoted(passphrase)]
    if (passphrase, salt) not in _opened_by:
        derived = hashlib.pbkdf2_hmac(
            "sha512", passphrase.encode("utf-8"), salt, KDF_ROUNDS, KEY_BYTES
        )
        _opened_by[(passphrase, salt)] = f"\"x'{derived.hex()}'\""
    first = _opened_by[(passphrase, salt)]
    return [first] if first == quoted(passphrase) else [first, quoted(passphrase)]


@functools.cache
def default_kdf_iterations() -> int:
    """SQLCipher's key derivation rounds at its default settings (PBKDF2-HMAC-SHA512)."""
    connection = connect(":memory:", "x")
    try:
        return int(connection.execute("PRAGMA kdf_iter").fetchone()[0])
    finally:
        connection.close()


@functools.cache
def version() -> str:
    """SQLCipher's version, as it says it ('4.12.0 community')."""
    connection = connect(":memory:", "x")
    try:
        return str(connection.execute("PRAGMA cipher_version").fetchone()[0])
    finally:
        connection.close()
