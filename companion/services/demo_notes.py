"""The demo's session notes: step headings, the coach's lines, and the three markers."""

from __future__ import annotations

from companion.core.models import ActionStatus, StepTiming
from companion.core.notes import ACTION_MARK, INSIGHT_MARK, PRIVATE_MARK, step_heading
from companion.core.protocols import Protocol
from companion.services.demo_cast import ClientPlan
from companion.services.demo_draft import DraftPart


class NotesWriter(DraftPart):
    """Writes a session's notes as a coach would, step by step."""

    def text(
        self,
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
        rng = self.rng
        first = plan.name.split(" ")[0]
        sponsor = plan.sponsor[0] if plan.sponsor else ""
        values = {
            "topic_lc": topic[0].lower() + topic[1:],
            "years": str(rng.randint(3, 25)),
            "context": rng.choice(self.content.contexts),
            "why": rng.choice(self.content.whys),
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
                lines.append(f"Takeaway: {rng.choice(self.content.takeaways)}.")
            elif capture == "scaling":
                lines.append(f"Scaled the goals; {first} sees real movement on the first one.")
            elif step.id in ("reality", "focus", "resources-obstacles", "progress", "assessment"):
                lines.append(reality)
            elif step.id in ("options", "vision", "objectives", "adjust-objectives", "capitalise"):
                lines.append(option)
                lines.append(f"Another option: {rng.choice(plan.theme.options)}")
            elif capture == "review_actions":
                lines.append(follow_up_line(followed))
            elif step.id in self.content.generic_lines:
                lines.append(rng.choice(self.content.generic_lines[step.id]).format_map(values))
            elif step.id == "goal":
                lines.append(f"Coaching objective: {plan.theme.objective}.")
            else:
                lines.append(f"{first} talked it through; stayed with the question.")
            if index == insight_step:
                lines.append(f"{INSIGHT_MARK}{insight}")
            if index == private_step:
                lines.append(f"{PRIVATE_MARK}{rng.choice(self.content.private_lines)}")
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
