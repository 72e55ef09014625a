"""Progress toward ICF's ACC, PCC and MCC: pure arithmetic on the hours the log counts.

The thresholds and their source are in credentials.toml beside this module (one edit when ICF
changes a rule). The hours are the ones `companion log` holds (finished sessions, their true
durations, clients who agreed to be named, groups of up to 15 counted once), without those before
the coach's coach-specific training began. The pace is the last 90 days'; the month a level is
reached assumes that pace holds, and says so. A reflection for the coach, not a promise.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from companion.core.hours import MAX_GROUP_SIZE, hours
from companion.core.text import counted

PACE_DAYS = 90
HORIZON_DAYS = 100 * 365
"""Beyond a hundred years the pace does not get there, as far as a coach is concerned (and a
trickle of seconds would otherwise overflow the calendar)."""
LEVELS_FILE = Path(__file__).resolve().parent / "credentials.toml"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(Frozen):
    """One credential's requirements, as credentials.toml has them."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    hours: int = Field(ge=0)
    paid_hours: int = Field(ge=0)
    clients: int = Field(ge=0)
    recent_hours: int = Field(default=0, ge=0)
    recent_months: int = Field(default=0, ge=0)


class Levels(Frozen):
    source: str = Field(min_length=1)
    level: list[Level] = Field(min_length=1)


def load_levels(path: Path = LEVELS_FILE) -> Levels:
    """The requirements; a broken file names itself, the field and the problem."""
    import tomllib

    from pydantic import ValidationError

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Levels.model_validate(data)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: not valid TOML ({error})") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{path}: {where}: {first['msg']}") from None


class CountedSession(Frozen):
    """A finished session as the credential sees it."""

    client_id: int
    day: date
    seconds: int = Field(ge=0)
    paid: bool
    log_consent: bool = True
    group_size: int | None = None


class LevelProgress(Frozen):
    """One level: what is missing (0 when met) and, at the recent pace, the month it is met."""

    id: str
    name: str
    reached: bool
    missing_hours: float
    missing_paid_hours: float
    missing_clients: int
    missing_recent_hours: float = Field(
        description="Hours still needed in the recent window (0 for a level without that rule)."
    )
    recent_months: int
    expected_month: date | None = Field(
        description="The first day of the month the level is met at the last 90 days' pace; "
        "None when reached, or when that pace does not get there within a hundred years."
    )


class CredentialProgress(Frozen):
    as_of: date
    training_started: date | None = None
    source: str
    hours: float
    paid_hours: float
    clients: int
    recent_hours: dict[int, float] = Field(
        description="Hours in the last N months, for each N a level asks about."
    )
    pace_hours_per_month: float = Field(description="Hours a month over the last 90 days.")
    pace_paid_hours_per_month: float
    pace_new_clients_per_month: float
    levels: list[LevelProgress]


def months_before(day: date, months: int) -> date:
    """DAY moved back MONTHS calendar months (31 May less 3 months is 28 or 29 February)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def counts(session: CountedSession, training_started: date | None) -> bool:
    """Whether ICF lets the session count: consent to be named, a group of 15 at most, after
    training began."""
    if not session.log_consent or (session.group_size or 0) > MAX_GROUP_SIZE:
        return False
    return training_started is None or session.day >= training_started


def credential_progress(
    sessions: list[CountedSession],
    *,
    today: date,
    training_started: date | None = None,
    levels: Levels | None = None,
) -> CredentialProgress:
    """What the coach has toward each level, what is missing, and when at the recent pace."""
    levels = levels or load_levels()
    counted = [s for s in sessions if counts(s, training_started) and s.day <= today]
    total = sum(s.seconds for s in counted)
    paid = sum(s.seconds for s in counted if s.paid)
    first_day: dict[int, date] = {}
    for s in counted:
        first_day[s.client_id] = min(first_day.get(s.client_id, s.day), s.day)
    windows = sorted({lv.recent_months for lv in levels.level if lv.recent_months})
    recent = {
        months: sum(s.seconds for s in counted if s.day >= months_before(today, months))
        for months in windows
    }
    # What the last PACE_DAYS days brought (today and the 89 days before it): seconds, paid
    # seconds, new clients. Kept whole so the arithmetic below is exact.
    pace_start = today - timedelta(days=PACE_DAYS - 1)
    pace_seconds = sum(s.seconds for s in counted if s.day >= pace_start)
    pace_paid = sum(s.seconds for s in counted if s.day >= pace_start and s.paid)
    pace_clients = sum(1 for day in first_day.values() if day >= pace_start)

    def progress(level: Level) -> LevelProgress:
        missing_total = max(0, level.hours * 3600 - total)
        missing_paid = max(0, level.paid_hours * 3600 - paid)
        missing_clients = max(0, level.clients - len(first_day))
        missing_recent = 0
        window_days = 0
        if level.recent_months:
            missing_recent = max(0, level.recent_hours * 3600 - recent[level.recent_months])
            window_days = (today - months_before(today, level.recent_months)).days
        # (what is missing, what the pace brings in PACE_DAYS days)
        needs = [
            (missing_total, pace_seconds),
            (missing_paid, pace_paid),
            (missing_clients, pace_clients),
            (missing_recent, pace_seconds),
        ]
        reached = not any(missing for missing, _ in needs)
        expected: date | None = None
        # At this pace the window must hold enough to meet the rule at all.
        sustainable = (
            not level.recent_months
            or pace_seconds * window_days >= level.recent_hours * 3600 * PACE_DAYS
        )
        if not reached and sustainable and all(brought for missing, brought in needs if missing):
            days = max(-(-missing * PACE_DAYS // brought) for missing, brought in needs if missing)
            if days <= HORIZON_DAYS:
                expected = (today + timedelta(days=days)).replace(day=1)
        return LevelProgress(
            id=level.id,
            name=level.name,
            reached=reached,
            missing_hours=hours(missing_total),
            missing_paid_hours=hours(missing_paid),
            missing_clients=missing_clients,
            missing_recent_hours=hours(missing_recent),
            recent_months=level.recent_months,
            expected_month=expected,
        )

    per_month = 365.25 / 12 / PACE_DAYS
    return CredentialProgress(
        as_of=today,
        training_started=training_started,
        source=levels.source,
        hours=hours(total),
        paid_hours=hours(paid),
        clients=len(first_day),
        recent_hours={months: hours(seconds) for months, seconds in recent.items()},
        pace_hours_per_month=round(pace_seconds * per_month / 3600, 1),
        pace_paid_hours_per_month=round(pace_paid * per_month / 3600, 1),
        pace_new_clients_per_month=round(pace_clients * per_month, 1),
        levels=[progress(level) for level in levels.level],
    )


def level_line(level: LevelProgress) -> str:
    """One line for a level: reached, or what is missing and when at this pace."""
    if level.reached:
        return f"{level.id}: the hours and clients it asks for are there"
    missing: list[str] = []
    if level.missing_hours:
        missing.append(f"{level.missing_hours:.2f} hours")
    if level.missing_paid_hours:
        missing.append(f"{level.missing_paid_hours:.2f} paid hours")
    if level.missing_clients:
        missing.append(counted(level.missing_clients, "client"))
    if level.missing_recent_hours:
        missing.append(
            f"{level.missing_recent_hours:.2f} hours in the last {level.recent_months} months"
        )
    when = (
        f"at this pace {level.expected_month:%B %Y}" if level.expected_month else "not at this pace"
    )
    return f"{level.id}: {', '.join(missing)} to go; {when}"


def summary_lines(found: CredentialProgress) -> list[str]:
    """The progress in a few lines: what counts, what the coach has, the pace, each level."""
    since = (
        f"since training began on {found.training_started}"
        if found.training_started
        else "all sessions (set credential.training_started in config.toml)"
    )
    recent = ", ".join(
        f"{value:.2f} hours in the last {months} months"
        for months, value in found.recent_hours.items()
    )
    lines = [
        f"Credential progress on {found.as_of}, {since}",
        f"You have {found.hours:.2f} hours ({found.paid_hours:.2f} paid), "
        f"{counted(found.clients, 'client')}" + (f"; {recent}" if recent else ""),
        f"Pace over the last {PACE_DAYS} days: {found.pace_hours_per_month:.1f} hours a month "
        f"({found.pace_paid_hours_per_month:.1f} paid), "
        f"{found.pace_new_clients_per_month:.1f} new clients a month",
    ]
    lines += [level_line(level) for level in found.levels]
    lines.append(f"Requirements: {found.source}")
    return lines


def short_lines(found: CredentialProgress) -> list[str]:
    """The progress in four short lines, for the review's panel (80 columns)."""
    recent = "".join(
        f" · {value:.2f} h in {months} months" for months, value in found.recent_hours.items()
    )
    lines = [
        f"{found.hours:.2f} h ({found.paid_hours:.2f} paid) · {counted(found.clients, 'client')}"
        f"{recent} · pace {found.pace_hours_per_month:.1f} h/month"
    ]
    for level in found.levels:
        if level.reached:
            lines.append(f"{level.id}  hours and clients there")
            continue
        missing = []
        if level.missing_hours:
            missing.append(f"{level.missing_hours:.2f} h")
        if level.missing_paid_hours:
            missing.append(f"{level.missing_paid_hours:.2f} paid h")
        if level.missing_clients:
            missing.append(f"{level.missing_clients} client" + "s" * (level.missing_clients > 1))
        if level.missing_recent_hours:
            missing.append(f"{level.missing_recent_hours:.2f} h in {level.recent_months} months")
        when = f"{level.expected_month:%b %Y}" if level.expected_month else "not at this pace"
        lines.append(f"{level.id}  {', '.join(missing)} to go · {when}")
    return lines
