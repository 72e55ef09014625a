"""The coach's settings: `~/.config/companion/config.toml` (or the platform's config folder).

Read with tomllib and checked by hand, not pydantic: `companion start` reads it after the first
paint and must stay light. Each problem names the file, the field and what is wrong; the app
then goes on with the defaults, so a typo in a setting never stops a session.

    [keymap]                     # rebind any key: the binding's id (F1 lists them) = keys
    "live.agreement" = "f6"
    "live.next-step" = "ctrl+n,ctrl+down"

    [credential]
    training_started = 2024-01-15   # hours before this day do not count toward ACC/PCC/MCC

    [calendar]                   # `companion calendar`: next sessions at this time and length
    time = "10:00"
    minutes = 60
    time_zone = "Europe/London"  # default: the computer's own
    [recap]
    format = "text"              # what the recap copies as: "markdown" (the default) or "text"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from companion.core.models import RecapFormat

RECAP_FORMATS = ("markdown", "text")
"""companion.core.models.RECAP_FORMATS, not imported from there: the settings stay light."""

CONFIG_ENV = "COMPANION_CONFIG"
"""A config file to read instead of the usual one (tests, or a second setup)."""

MAX_CONFIG_BYTES = 256 * 1024
_BINDING_ID = re.compile(r"^[a-z0-9-]+\.[a-z0-9-]+$")
_KEYS = re.compile(r"^[A-Za-z0-9_+\-]+(,[A-Za-z0-9_+\-]+)*$")
_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_ZONE = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")


class ConfigError(ValueError):
    """The config file is unreadable or a setting in it is wrong: one line saying where."""


@dataclass(frozen=True)
class Config:
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> the keys that replace its own, comma-separated (Textual's keymap)."""
    training_started: date | None = None
    """The day the coach's coach-specific training began: earlier hours do not count."""
    calendar_time: time = time(10, 0)
    """When a planned next session starts in the calendar (the closing screen has only a day)."""
    calendar_minutes: int = 60
    """How long a planned next session lasts in the calendar."""
    calendar_time_zone: str = ""
    """The IANA zone of the calendar's times ("" for the computer's own)."""
    recap_format: RecapFormat = "markdown"
    """The form a recap is copied (and printed) in unless a command says otherwise."""


def config_path() -> Path:
    import os

    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("companion", appauthor=False)) / "config.toml"


SECTIONS = frozenset({"keymap", "credential", "calendar", "recap"})


def load_config(path: Path | None = None, *, sections: frozenset[str] = SECTIONS) -> Config:
    """The settings in PATH (default: config_path()); defaults when the file does not exist.

    Only SECTIONS are checked (the others keep their defaults): a typo in [calendar] must not
    cost the coach their keys in a session, nor stop `companion credential`.
    """
    import tomllib

    path = path or config_path()
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KiB, not read")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    config = Config()
    if "keymap" in sections:
        config = replace(config, keymap=_keymap(path, data.get("keymap", {})))
    if "credential" in sections:
        credential = _table(path, "credential", data.get("credential", {}))
        config = replace(
            config, training_started=_day(path, "credential.training_started", credential)
        )
    if "calendar" in sections:
        calendar = _table(path, "calendar", data.get("calendar", {}))
        config = replace(
            config,
            calendar_time=_clock(path, "calendar.time", calendar),
            calendar_minutes=_minutes(path, "calendar.minutes", calendar),
            calendar_time_zone=_zone(path, "calendar.time_zone", calendar),
        )
    if "recap" in sections:
        config = replace(config, recap_format=_recap_format(path, data.get("recap", {})))
    return config


def _recap_format(path: Path, table: object) -> RecapFormat:
    if not isinstance(table, dict):
        raise ConfigError(f'{path}: recap: must be a table, like [recap] format = "text"')
    unknown = sorted(set(table) - {"format"})
    if unknown:
        raise ConfigError(f"{path}: recap.{unknown[0]}: not a setting (recap has: format)")
    value = table.get("format", "markdown")
    if value not in RECAP_FORMATS:
        raise ConfigError(f'{path}: recap.format: must be "markdown" or "text", not {value!r}')
    return cast("RecapFormat", value)


def _table(path: Path, name: str, table: object) -> dict[str, object]:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {name}: must be a table ([{name}])")
    return table


def _day(path: Path, where: str, table: dict[str, object]) -> date | None:
    """A TOML date (2024-01-15) or the same as a string: tomllib gives a date for the first."""
    value = table.get(where.rsplit(".", 1)[1])
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ConfigError(f"{path}: {where}: {value!r} is not a date like 2024-01-15") from None
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise ConfigError(f"{path}: {where}: must be a date like 2024-01-15")
    return value


def _clock(path: Path, where: str, table: dict[str, object]) -> time:
    value = table.get(where.rsplit(".", 1)[1])
    if value is None:
        return Config.calendar_time
    if isinstance(value, time):  # a TOML local time (10:00:00)
        return value.replace(second=0, microsecond=0)
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(f'{path}: {where}: must be a time of day like "10:00"')
    return time(int(match[1]), int(match[2]))


def _minutes(path: Path, where: str, table: dict[str, object]) -> int:
    value = table.get(where.rsplit(".", 1)[1])
    if value is None:
        return Config.calendar_minutes
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 24 * 60:
        raise ConfigError(f"{path}: {where}: must be a whole number of minutes, 1 to 1440")
    return value


def _zone(path: Path, where: str, table: dict[str, object]) -> str:
    value = table.get(where.rsplit(".", 1)[1])
    if value is None:
        return ""
    if not isinstance(value, str) or not _ZONE.match(value.strip()):
        raise ConfigError(f'{path}: {where}: must be a time zone name like "Europe/London"')
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{path}: {where}: {value!r} is not a time zone this computer knows"
        ) from None
    return value.strip()


def _keymap(path: Path, table: object) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f'{path}: keymap: must be a table of binding id = "keys"')
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        where = f"{path}: keymap.{binding_id}"
        if not _BINDING_ID.match(binding_id):
            raise ConfigError(f'{where}: not a binding id (like "live.agreement"; F1 lists them)')
        if not isinstance(keys, str):
            raise ConfigError(f'{where}: must be a string of keys, like "f6" or "ctrl+e"')
        cleaned = keys.replace(" ", "")
        if not _KEYS.match(cleaned):
            raise ConfigError(f"{where}: {keys!r} is not a comma-separated list of keys")
        keymap[binding_id] = cleaned
    return keymap
