"""A client's timeline in blocks, one per engagement: which sessions open a block, and its
heading row ('── Engagement from 2026-09-01 to 2026-12-01 (closed)')."""

from __future__ import annotations

from companion.core.models import Engagement
from companion.store.views import TimelineView

from . import review_format as fmt


def engagement_heading(engagement: Engagement) -> str:
    """'Engagement from 2026-09-01 to 2026-12-01 (closed)': a block's heading row."""
    until = f" to {fmt.day(engagement.end_date)}" if engagement.end_date else ""
    return f"── Engagement from {fmt.day(engagement.start_date)}{until} ({engagement.status})"


def engagement_blocks(data: TimelineView) -> dict[int, Engagement]:
    """The sessions that open a block (the newest of each engagement) and its engagement; none
    while the client has had one engagement only."""
    if len(data.engagements) < 2:
        return {}
    by_id = {engagement.id: engagement for engagement in data.engagements}
    blocks: dict[int, Engagement] = {}
    seen: set[int | None] = set()
    for numbered in data.sessions:  # newest first
        session = numbered.session
        if session.engagement_id not in seen and session.engagement_id in by_id:
            seen.add(session.engagement_id)
            assert session.id is not None
            blocks[session.id] = by_id[session.engagement_id]
    return blocks
