"""Operations that span several records, shared by the command line and the screens."""

from __future__ import annotations

from companion.core.models import Engagement, Session
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
    engagement = engagement_for(store, client.id, same_engagement=start.same_engagement)
    session = Session(
        client_id=client.id,
        engagement_id=engagement.id,
        protocol_id=protocol.id,
        protocol_snapshot=protocol.model_dump_json(),
        planned_minutes=start.minutes or protocol.duration_minutes,
        mode=start.mode,
    )
    return store.add_session(session)


CARRIED_TERMS = ("billing", "format", "group_size", "confidentiality", "log_consent")
"""What a new engagement takes over from the client's last one: the practical terms, not the
sponsor, objective or sessions planned, which each contract sets anew."""


def engagement_for(store: Store, client_id: int, *, same_engagement: bool = False) -> Engagement:
    """The engagement a new session of the client belongs to: the open one; after a close, a new
    one (its sessions numbered from 1 again, with the last one's practical terms), or with
    SAME_ENGAGEMENT the closed one taken up again."""
    current = store.open_engagement(client_id)
    if current is not None:
        return current
    latest = store.latest_engagement(client_id)
    if latest is None or latest.id is None:
        return store.add_engagement(Engagement(client_id=client_id))
    if same_engagement:
        return store.reopen_engagement(latest.id)
    terms = {name: getattr(latest, name) for name in CARRIED_TERMS}
    return store.add_engagement(Engagement(client_id=client_id, **terms))
