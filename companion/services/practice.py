"""Operations that span several records, shared by the command line and the screens."""

from __future__ import annotations

from companion.core.models import Session
from companion.core.protocols import ProtocolLibrary
from companion.core.terms import SessionStart
from companion.store import Store


def begin_session(
    store: Store,
    protocols: ProtocolLibrary,
    start: SessionStart | str,
    *,
    protocol_id: str | None = None,
) -> Session:
    """Create the session START asks for (creating the client and an engagement if need be).

    START may be just the client's name (and PROTOCOL_ID), with the other choices left as usual.
    Without a protocol id: a first session for a client with no sessions yet, otherwise GROW.
    The session keeps a snapshot of the protocol as used, so editing the file later changes nothing.
    """
    if isinstance(start, str):
        start = SessionStart(start, protocol_id=protocol_id)
    # An unusable protocol is refused before anything is written (no client left behind).
    chosen = protocols.get(start.protocol_id) if start.protocol_id is not None else None
    client, _ = store.get_or_create_client(start.client_name)
    assert client.id is not None
    if chosen is None:
        has_sessions = bool(store.sessions(client.id, limit=1))
        protocol = protocols.default_for(first_session=not has_sessions)
    else:
        protocol = chosen
    engagement = store.ensure_open_engagement(client.id)
    session = Session(
        client_id=client.id,
        engagement_id=engagement.id,
        protocol_id=protocol.id,
        protocol_snapshot=protocol.model_dump_json(),
        planned_minutes=start.minutes or protocol.duration_minutes,
        mode=start.mode,
    )
    return store.add_session(session)
