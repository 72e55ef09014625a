"""The coach's next sessions and open actions as iCalendar: a vdir of files, or one calendar.

A vdir (https://vdirsyncer.pimutils.org/en/stable/vdir.html) is a folder with one `.ics` file per
item, named after the item's UID: khal reads it, vdirsyncer syncs it to any CalDAV server. Each
run rewrites the folder in place: a file whose item has not changed is left untouched (so a sync
sees no change), a changed item is rewritten atomically, and the files of items gone (a session
held, an action done) are removed; only companion's own files, never anything else there.

Times are the coach's local time with its zone (a VTIMEZONE in each file). icalendar is imported
here only, so no other command pays for it.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from companion.core.calendar import CalendarPlan, OpenAction, PlannedSession
from companion.services.files import make_private_folders, write_private_file

if TYPE_CHECKING:
    from icalendar import Calendar, Component, Event, Todo

PRODID = "-//companion//coaching calendar//EN"
_OURS = re.compile(r"^(next-session|action)-[0-9]+\.ics$")


@dataclass(frozen=True)
class CalendarSettings:
    """When a planned session starts and how long it lasts; the zone its times are in."""

    start: time = time(10, 0)
    minutes: int = 60
    zone: ZoneInfo | None = None
    """None: the computer's zone could not be found; times are then floating (local)."""


def local_zone(configured: str = "") -> ZoneInfo | None:
    """The configured zone, else the computer's own (TZ, then /etc/localtime), else None."""
    candidates = [configured, os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


def _moment(settings: CalendarSettings, day: date, at: time) -> datetime:
    moment = datetime.combine(day, at)
    return moment.replace(tzinfo=settings.zone) if settings.zone else moment


def _stamp(settings: CalendarSettings, moment: datetime) -> datetime:
    """A stored local moment in UTC: DTSTAMP, stable from run to run."""
    local = moment.replace(tzinfo=settings.zone) if settings.zone else moment.astimezone()
    return local.astimezone(UTC).replace(microsecond=0)


def _event(item: PlannedSession, settings: CalendarSettings) -> Event:
    from icalendar import Event

    event = Event()
    start = _moment(settings, item.on, settings.start)
    event.add("uid", item.uid)
    event.add("dtstamp", _stamp(settings, item.planned_at))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=settings.minutes))
    event.add("summary", item.summary)
    event.add("categories", ["Coaching"])
    return event


def _todo(item: OpenAction, settings: CalendarSettings) -> Todo:
    from icalendar import Todo

    todo = Todo()
    todo.add("uid", item.uid)
    todo.add("dtstamp", _stamp(settings, item.created_at))
    todo.add("summary", item.summary)
    todo.add("status", "NEEDS-ACTION")
    if item.due_on is not None:
        todo.add("due", item.due_on)
    todo.add("categories", ["Coaching"])
    return todo


def _calendar(components: list[Component]) -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for component in components:
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar


def one_calendar(plan: CalendarPlan, settings: CalendarSettings) -> bytes:
    """Every item in one calendar (for `--stdout`: import it, or subscribe to a file of it)."""
    components: list[Component] = [_event(item, settings) for item in plan.sessions]
    components += [_todo(item, settings) for item in plan.actions]
    return _calendar(components).to_ical()


def vdir_files(plan: CalendarPlan, settings: CalendarSettings) -> dict[str, bytes]:
    """File name -> content: one calendar per item, named after its UID."""
    files: dict[str, bytes] = {}
    for session in plan.sessions:
        files[_file_name(session.uid)] = _calendar([_event(session, settings)]).to_ical()
    for action in plan.actions:
        files[_file_name(action.uid)] = _calendar([_todo(action, settings)]).to_ical()
    return files


def _file_name(uid: str) -> str:
    return uid.split("@", 1)[0] + ".ics"


@dataclass(frozen=True)
class VdirResult:
    written: int
    unchanged: int
    removed: int


def write_vdir(folder: Path, files: dict[str, bytes]) -> VdirResult:
    """FILES in FOLDER (0700, files 0600): changed ones rewritten, companion's stale ones removed.

    Raises OSError (a read-only folder, a full disk).
    """
    make_private_folders(folder)
    written = unchanged = removed = 0
    for name, content in files.items():
        path = folder / name
        try:
            if path.read_bytes() == content:
                unchanged += 1
                continue
        except FileNotFoundError:
            pass
        write_private_file(path, content)
        written += 1
    for path in folder.iterdir():
        if path.name in files or not _OURS.match(path.name) or not path.is_file():
            continue
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if PRODID not in path.read_text(encoding="utf-8"):
                continue  # not one of ours after all: someone else's file, left alone
            path.unlink()
            removed += 1
    return VdirResult(written=written, unchanged=unchanged, removed=removed)
