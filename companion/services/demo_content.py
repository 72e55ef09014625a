"""The words of the fictional practice (`companion demo`), read from demo_content.toml.

Kept as data, beside the code that lays it out (companion/demo.py), so the content can grow
without the generator doing so; validated on load like any file companion reads.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field


class _Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class GoalIdea(_Content):
    """One SMARTE goal a theme suggests (the time-bound date is laid out by the generator)."""

    specific: str
    measurable: str
    achievable: str
    realistic: str
    ecological: str


class Theme(_Content):
    """What a client comes to coaching for: the words their goals, notes and actions use."""

    objective: str
    topics: tuple[str, ...] = Field(min_length=1)
    reality: tuple[str, ...] = Field(min_length=1)
    options: tuple[str, ...] = Field(min_length=1)
    actions: tuple[str, ...] = Field(min_length=3)
    insights: tuple[str, ...] = Field(min_length=1)
    goals: tuple[GoalIdea, ...] = Field(min_length=1)


class ProtocolShare(_Content):
    protocol: str
    weight: int = Field(ge=1)


class DemoContent(_Content):
    first_names: tuple[str, ...] = Field(min_length=1)
    surnames: tuple[str, ...] = Field(min_length=1)
    companies: tuple[str, ...] = Field(min_length=1)
    sponsor_roles: tuple[str, ...] = Field(min_length=1)
    sponsor_actions: tuple[str, ...] = Field(min_length=1)
    """What a sponsor commits to at a three-party meeting."""
    group_names: tuple[str, ...] = Field(min_length=1)
    private_lines: tuple[str, ...] = Field(min_length=1)
    takeaways: tuple[str, ...] = Field(min_length=2)
    contexts: tuple[str, ...] = Field(min_length=1)
    whys: tuple[str, ...] = Field(min_length=1)
    protocol_mix: tuple[ProtocolShare, ...] = Field(min_length=1)
    generic_lines: dict[str, tuple[str, ...]]
    """Note lines for steps no theme covers, by step id; {name} fills in from the client."""
    themes: tuple[Theme, ...] = Field(min_length=1)


@functools.cache
def demo_content() -> DemoContent:
    """The packaged content (read once)."""
    text = (
        resources.files("companion.services")
        .joinpath("demo_content.toml")
        .read_text(encoding="utf-8")
    )
    return DemoContent.model_validate(tomllib.loads(text))
