"""The coaching-hours log a coach submits for an ICF credential (ACC, PCC, MCC): pure, no I/O.

One row per client engagement, with the columns of the ICF "Client Coaching Log": client name,
contact information, individual or group (and the number in the group), start and end date,
paid hours and pro bono hours. Time is kept in exact seconds; hours are shown rounded to 0.01 h,
and the totals are rounded from the exact sum, not summed from the rounded rows.

ICF's rules for what the log may hold (`split_log`): a client who has not agreed to be named is
left off (with their hours, said apart on stderr); a group session counts its length once, not
once per member; a group of more than 15 members does not count as group coaching at all.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from companion.core.models import Billing, EngagementFormat
from companion.core.text import counted

HOURS_DECIMALS = 2

CSV_COLUMNS: tuple[str, ...] = (
    "Client Name",
    "Contact Information",
    "Individual/Group",
    "Number in Group",
    "Start Date",
    "End Date",
    "Paid hours",
    "Pro-bono hours",
)
"""ICF's Client Coaching Log template, in its order and its exact spelling."""

MAX_GROUP_SIZE = 15
"""ICF counts group coaching for groups of up to 15 members."""


def hours(seconds: int) -> float:
    """Seconds as hours, rounded to 0.01 h (36 seconds): what the log shows."""
    return round(seconds / 3600, HOURS_DECIMALS)


class EngagementHours(BaseModel):
    """One engagement's line in the log: its finished sessions in the period, timed exactly."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    client_id: int
    client_name: str
    contact: str = ""
    engagement_id: int | None = Field(
        default=None, description="None for sessions recorded outside any engagement."
    )
    format: EngagementFormat = "individual"
    group_size: int | None = None
    billing: Billing = "paid"
    sponsor_name: str = ""
    start_date: date = Field(description="The first finished session in the period.")
    end_date: date = Field(description="The last finished session in the period.")
    log_consent: bool = Field(
        default=True, description="The client agrees to be named in the coach's ICF log."
    )
    sessions: int = Field(ge=1)
    seconds: int = Field(
        ge=0,
        description="Exact coaching time: the sum of the sessions' durations (a group "
        "session's length once, whatever the number in the group).",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def paid_seconds(self) -> int:
        return self.seconds if self.billing == "paid" else 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pro_bono_seconds(self) -> int:
        return self.seconds if self.billing == "pro_bono" else 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def paid_hours(self) -> float:
        return hours(self.paid_seconds)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pro_bono_hours(self) -> float:
        return hours(self.pro_bono_seconds)

    @property
    def kind(self) -> Literal["Individual", "Group"]:
        return "Group" if self.format == "group" else "Individual"

    @property
    def is_large_group(self) -> bool:
        """A group of more than 15: ICF does not count it."""
        return self.format == "group" and (self.group_size or 0) > MAX_GROUP_SIZE


class HoursLog(BaseModel):
    """The whole log for a period, with the totals an ICF application asks for."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    since: date | None = None
    until: date | None = None
    rows: list[EngagementHours] = Field(
        default_factory=list, description="What the log holds: what ICF counts."
    )
    without_consent: list[EngagementHours] = Field(
        default_factory=list,
        description="Left off: engagements whose client has not agreed to be named.",
    )
    large_groups: list[EngagementHours] = Field(
        default_factory=list, description="Left off: groups of more than 15 members."
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def clients(self) -> int:
        """Distinct clients (a client with two engagements counts once)."""
        return len({row.client_id for row in self.rows})

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sessions(self) -> int:
        return sum(row.sessions for row in self.rows)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_seconds(self) -> int:
        return sum(row.seconds for row in self.rows)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def paid_seconds(self) -> int:
        return sum(row.paid_seconds for row in self.rows)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pro_bono_seconds(self) -> int:
        return sum(row.pro_bono_seconds for row in self.rows)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_hours(self) -> float:
        return hours(self.total_seconds)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def paid_hours(self) -> float:
        return hours(self.paid_seconds)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pro_bono_hours(self) -> float:
        return hours(self.pro_bono_seconds)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def without_consent_clients(self) -> int:
        return len({row.client_id for row in self.without_consent})

    @computed_field  # type: ignore[prop-decorator]
    @property
    def without_consent_hours(self) -> float:
        return hours(sum(row.seconds for row in self.without_consent))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def large_groups_hours(self) -> float:
        return hours(sum(row.seconds for row in self.large_groups))

    def left_off_lines(self) -> list[str]:
        """What the log leaves off by ICF's rules, one line each (counts and hours, no names)."""
        lines: list[str] = []
        if self.without_consent:
            count = self.without_consent_clients
            who = counted(count, "client")
            verb = "has" if count == 1 else "have"
            lines.append(
                f"left off the log: {who} ({format_hours(self.without_consent_hours)} hours) "
                f"who {verb} not agreed to be named"
            )
        if self.large_groups:
            count = len(self.large_groups)
            what = counted(count, "group")
            lines.append(
                f"left off the log: {what} of more than {MAX_GROUP_SIZE} members "
                f"({format_hours(self.large_groups_hours)} hours); ICF does not count them"
            )
        return lines


def split_log(
    rows: list[EngagementHours], *, since: date | None = None, until: date | None = None
) -> HoursLog:
    """The log ICF accepts from every engagement's hours: consent and group size sorted out."""
    kept: list[EngagementHours] = []
    without_consent: list[EngagementHours] = []
    large_groups: list[EngagementHours] = []
    for row in rows:
        if not row.log_consent:
            without_consent.append(row)
        elif row.is_large_group:
            large_groups.append(row)
        else:
            kept.append(row)
    return HoursLog(
        since=since,
        until=until,
        rows=kept,
        without_consent=without_consent,
        large_groups=large_groups,
    )


def format_hours(value: float) -> str:
    return f"{value:.{HOURS_DECIMALS}f}"


def row_cells(row: EngagementHours) -> list[str]:
    """A row as the ICF log's cells, in CSV_COLUMNS order."""
    return [
        row.client_name,
        row.contact,
        row.kind,
        str(row.group_size) if row.format == "group" and row.group_size else "",
        row.start_date.isoformat(),
        row.end_date.isoformat(),
        format_hours(row.paid_hours),
        format_hours(row.pro_bono_hours),
    ]


def totals_cells(log: HoursLog) -> list[str]:
    """The last line of the log: the totals, with the number of clients in the name column."""
    clients = counted(log.clients, "client")
    first = min((row.start_date for row in log.rows), default=None)
    last = max((row.end_date for row in log.rows), default=None)
    return [
        f"Total: {format_hours(log.total_hours)} hours, {clients}",
        "",
        "",
        "",
        first.isoformat() if first else "",
        last.isoformat() if last else "",
        format_hours(log.paid_hours),
        format_hours(log.pro_bono_hours),
    ]


def log_csv(log: HoursLog) -> str:
    """The log as CSV (the ICF columns, then a totals line), ready for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in log.rows:
        writer.writerow(row_cells(row))
    writer.writerow(totals_cells(log))
    return out.getvalue()
