"""The cast of the demo practice: fictional clients, their engagements' shape and their dates.

Names come from the demo content file, never twice the same; every draw is from the seeded
random generator the demo shares, so a seed gives the same practice every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from companion.services.demo_content import DemoContent, Theme

MAX_HISTORY_DAYS = 3650
"""No client's history reaches back more than about ten years."""


@dataclass
class ClientPlan:
    """One fictional client: who, how their engagement runs, and when they met."""

    index: int
    name: str
    contact: str
    theme: Theme
    sessions: int
    billing: str
    format: str
    group_size: int | None
    sponsor: tuple[str, str] | None
    closed: bool
    last_day: date
    dates: list[date] = field(default_factory=list)


class Cast:
    """Who the demo's clients are and when their sessions fall."""

    def __init__(self, rng: random.Random, content: DemoContent, today: date) -> None:
        self.rng = rng
        self.content = content
        self.today = today
        self.used_names: set[str] = set()

    def _person(self) -> str:
        return (
            f"{self.rng.choice(self.content.first_names)} {self.rng.choice(self.content.surnames)}"
        )

    def _at_a_company(self, what: tuple[str, ...]) -> str:
        return f"{self.rng.choice(what)}, {self.rng.choice(self.content.companies)}"

    def _name(self, index: int, group: bool) -> str:
        name = self._at_a_company(self.content.group_names) if group else self._person()
        if name in self.used_names:
            name = f"{name} {index + 1}" if group else self._initialled(name, index)
        self.used_names.add(name)
        return name

    def _initialled(self, name: str, index: int) -> str:
        first, _, last = name.partition(" ")
        for letter in "ABCDEFGHJKLMNPRSTVW":
            candidate = f"{first} {letter}. {last}"
            if candidate not in self.used_names:
                return candidate
        return f"{name} ({index + 1})"

    def _contact(self, name: str, group: bool) -> str:
        if group or self.rng.random() < 0.25:
            return f"+44 20 7946 0{self.rng.randrange(1000):03d}"
        local = "".join(ch for ch in name.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
        return f"{local.replace('..', '.')}@example.org"

    def _split(self, sessions: int, clients: int) -> list[int]:
        """SESSIONS shared among CLIENTS, unevenly, exactly adding up."""
        weights = [self.rng.uniform(0.4, 1.6) for _ in range(clients)]
        total = sum(weights)
        counts = [int(sessions * w / total) for w in weights]
        order = sorted(range(clients), key=lambda i: -weights[i])
        for i in range(sessions - sum(counts)):
            counts[order[i % clients]] += 1
        return counts

    def plans(self, clients: int, sessions: int) -> list[ClientPlan]:
        rng = self.rng
        span = min(MAX_HISTORY_DAYS, max(120, sessions * 2 // 3))  # days of history
        plans = []
        for index, count in enumerate(self._split(sessions, clients)):
            # The first three clients make sure the variety is there even in a small practice.
            group = index == 2 or (index > 2 and rng.random() < 0.08)
            billing = "pro_bono" if index == 1 or (index > 2 and rng.random() < 0.15) else "paid"
            three_party = index == 0 or (index > 2 and not group and rng.random() < 0.35)
            # An older client's engagement has ended: the fourth's always, a third of the rest's.
            closed = index > 2 and count >= 2 and (index == 3 or rng.random() < 0.3)
            last_day = (
                self.today - timedelta(days=rng.randint(30, span))
                if closed
                else self.today - timedelta(days=rng.randint(1, 20))
            )
            name = self._name(index, group)
            plans.append(
                ClientPlan(
                    index=index,
                    name=name,
                    contact=self._contact(name, group),
                    theme=self.content.themes[index % len(self.content.themes)]
                    if index < len(self.content.themes)
                    else rng.choice(self.content.themes),
                    sessions=count,
                    billing=billing,
                    format="group" if group else "individual",
                    group_size=rng.randint(3, 8) if group else None,
                    sponsor=(
                        (self._person(), self._at_a_company(self.content.sponsor_roles))
                        if three_party
                        else None
                    ),
                    closed=closed,
                    last_day=last_day,
                )
            )
        return plans

    def dates(self, plan: ClientPlan) -> list[date]:
        """Session days, going back from the last one every one to three weeks, on weekdays.

        A client with hundreds of sessions (only asked for by benchmarks) gets them closer
        together, so that no history reaches back more than about ten years.
        """
        scale = min(1.0, MAX_HISTORY_DAYS / (14 * max(1, plan.sessions)))
        days = [self.today - timedelta(days=1) if plan.index == 0 else plan.last_day]
        for number in range(plan.sessions - 1):
            # The first client's sessions are a steady fortnight apart, the last one yesterday
            # (left unfinished), so the one before it set actions due around today.
            gap = 14 if plan.index == 0 else self.rng.choice((7, 14, 14, 14, 21))
            days.append(days[-1] - timedelta(days=round(gap * scale) if number else gap))
        weekday = [d - timedelta(days=max(0, d.weekday() - 4)) for d in days]
        return sorted(weekday)
