"""ICF's PCC markers a protocol step may name: those of the agreement and of the close.

A reflection aid for the coach: which markers the steps of a session serve. ICF says the markers
are not a checklist, so companion never scores or counts them; it only shows them. The texts are
shortened from ICF's PCC Markers (2020, updated for the Core Competencies).
"""

from __future__ import annotations

from collections.abc import Iterable

PCC_MARKERS: dict[str, str] = {
    "3.1": "Identify or reconfirm what the client wants to accomplish in this session",
    "3.2": "Define or reconfirm the measures of success for this session",
    "3.3": "Explore what is important or meaningful to the client about it",
    "3.4": "Define what the client believes they need to address to get there",
    "8.1": "Invite the client to explore progress toward what they wanted from this session",
    "8.2": "Invite the client to state or explore their learning about themselves (the who)",
    "8.3": "Invite the client to state or explore their learning about their situation (the what)",
    "8.4": "Invite the client to consider how they will use new learning from this session",
    "8.5": "Partner with the client to design post-session thinking, reflection or action",
    "8.6": "Partner with the client on how to move forward: resources, support, barriers",
    "8.7": "Partner with the client to design the best methods of accountability for themselves",
    "8.8": "Celebrate the client's progress and learning",
    "8.9": "Partner with the client on how they want to complete this session",
}
"""Marker id -> what it asks of the coach, in short."""


def marker_order(marker: str) -> tuple[int, ...]:
    """'3.10' after '3.9': markers sort by their numbers, not as text."""
    return tuple(int(part) for part in marker.split(".") if part.isdigit())


def markers_in_order(markers: Iterable[str]) -> list[str]:
    """Each marker once, in ICF's order."""
    return sorted(set(markers), key=marker_order)


def markers_line(markers: Iterable[str]) -> str:
    """'PCC markers 3.1 3.2 8.9', or '' when there are none."""
    found = markers_in_order(markers)
    return f"PCC markers {' '.join(found)}" if found else ""
