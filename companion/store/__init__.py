"""The practice database: the only package that talks SQL."""

from .paths import DB_ENV, default_db_path, resolve_db_path
from .store import NotFound, Store, StoreError

__all__ = ["DB_ENV", "NotFound", "Store", "StoreError", "default_db_path", "resolve_db_path"]
