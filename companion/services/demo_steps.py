"""A demo session step by step: when each step was entered and left, and the notes under each.

Drawn from the generator's own random numbers (RNG), in the same order, so the same seed on the
same day still gives the same practice (see services.demo).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from companion.core.models import ActionStatus, Session, StepTiming
from companion.core.notes import ACTION_MARK, INSIGHT_MARK, PRIVATE_MARK, step_heading
from companion.core.protocols import Protocol
from companion.services.demo_cast import ClientPlan
from companion.services.demo_content import DemoContent


def step_timings(
    rng: random.Random,
    next_id: Callable[[], int],
    session: Session,
    protocol: Protocol,
    minutes: int,
    current: int,
    unfinished: bool,
) -> list[StepTiming]:
    """When each step was entered and left: the planned minutes, stretched with noise."""
    steps = protocol.steps if not unfinished else protocol.steps[: current + 1]
    weights = [step.minutes * rng.uniform(0.7, 1.35) for step in protocol.steps]
    scale = minutes * 60 / sum(weights)
    at = session.started_at
    timings = []
    for index, step in enumerate(steps):
        left = at + timedelta(seconds=round(weights[index] * scale))
        if index == len(steps) - 1:
            left = session.ended_at if not unfinished else None  # type: ignore[assignment]
        timing = StepTiming(
            id=next_id(),
            session_id=session.id,  # type: ignore[arg-type]
            step_index=index,
            step_id=step.id,
            entered_at=at,
            left_at=left,
        )
        timings.append(timing)
        if left is not None:
            at = left
    return timings


def session_notes(
    rng: random.Random,
    content: DemoContent,
    plan: ClientPlan,
    protocol: Protocol,
    timings: list[StepTiming],
    topic: str,
    actions: list[str],
    insight: str,
    private: bool,
    followed: list[ActionStatus],
    *,
    reality: str,
    option: str,
) -> str:
    """The notes of one session: each step's heading, a line or two in the coach's shorthand, the
    actions as ``- [ ]`` lines, an insight and (sometimes) a private line."""
    first = plan.name.split(" ")[0]
    sponsor = plan.sponsor[0] if plan.sponsor else ""
    values = {
        "topic_lc": topic[0].lower() + topic[1:],
        "years": str(rng.randint(3, 25)),
        "context": rng.choice(content.contexts),
        "why": rng.choice(content.whys),
        "objective_lc": plan.theme.objective[0].lower() + plan.theme.objective[1:],
        "sponsor_line": (
            f"Three-party meeting with {sponsor}: objectives confirmed."
            if sponsor
            else "No sponsor: the client is the only party to the contract."
        ),
    }
    private_step = rng.randrange(len(timings)) if private else -1
    insight_step = max(0, min(len(timings) - 1, protocol.closing_index - 1))
    lines: list[str] = []
    for index, timing in enumerate(timings):
        step = protocol.steps[timing.step_index]
        lines.append(step_heading(step.title, timing.entered_at))
        capture = step.capture
        if capture == "actions":
            lines.extend(f"{ACTION_MARK}{text}" for text in actions)
            if not actions:
                lines.append("Thinking about what to commit to.")
        elif capture == "takeaways":
            lines.append(f"Takeaway: {rng.choice(content.takeaways)}.")
        elif capture == "scaling":
            lines.append(f"Scaled the goals; {first} sees real movement on the first one.")
        elif step.id in ("reality", "focus", "resources-obstacles", "progress", "assessment"):
            lines.append(reality)
        elif step.id in ("options", "vision", "objectives", "adjust-objectives", "capitalise"):
            lines.append(option)
            lines.append(f"Another option: {rng.choice(plan.theme.options)}")
        elif capture == "review_actions":
            lines.append(follow_up_line(followed))
        elif step.id in content.generic_lines:
            lines.append(rng.choice(content.generic_lines[step.id]).format_map(values))
        elif step.id == "goal":
            lines.append(f"Coaching objective: {plan.theme.objective}.")
        else:
            lines.append(f"{first} talked it through; stayed with the question.")
        if index == insight_step:
            lines.append(f"{INSIGHT_MARK}{insight}")
        if index == private_step:
            lines.append(f"{PRIVATE_MARK}{rng.choice(content.private_lines)}")
        lines.append("")
    return "\n".join(lines)


def follow_up_line(statuses: list[ActionStatus]) -> str:
    """What the check-in on last time's actions found, in the coach's shorthand."""
    if not statuses:
        return "Nothing open from last time; a quick look at the weeks since."
    counts = {status: statuses.count(status) for status in ("done", "dropped", "open")}
    parts = [f"{counts['done']} of {len(statuses)} actions done"]
    if counts["dropped"]:
        parts.append(f"{counts['dropped']} dropped, no longer useful")
    if counts["open"]:
        parts.append(f"{counts['open']} carried forward")
    return "; ".join(parts) + "."
