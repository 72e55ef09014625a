"""Whole records gathered from the store: everything about one session in one model."""

from __future__ import annotations

from companion.core.models import SessionRecord

from .store import Store


def load_session_record(store: Store, session_id: int) -> SessionRecord:
    """Everything stored about one session (the session view's record, in a fixed number of
    queries: see companion.store.views). Raises NotFound for a wrong id."""
    from .views import session_record

    return session_record(store, session_id)
