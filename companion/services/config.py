"""The coach's settings: `~/.config/companion/config.toml` (or the platform's config folder).

Read with tomllib and checked by hand, not pydantic: `companion start` reads it after the first
paint and must stay light. Each problem names the file, the field and what is wrong; the app
then goes on with the defaults, so a typo in a setting never stops a session.

    [keymap]                     # rebind any key: the binding's id (F1 lists them) = keys
    "live.agreement" = "f6"
    "live.next-step" = "ctrl+n,ctrl+down"

    [recap]
    format = "text"              # what the recap copies as: "markdown" (the default) or "text"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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


class ConfigError(ValueError):
    """The config file is unreadable or a setting in it is wrong: one line saying where."""


@dataclass(frozen=True)
class Config:
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> the keys that replace its own, comma-separated (Textual's keymap)."""
    recap_format: RecapFormat = "markdown"
    """The form a recap is copied (and printed) in unless a command says otherwise."""


def config_path() -> Path:
    import os

    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("companion", appauthor=False)) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """The settings in PATH (default: config_path()); defaults when the file does not exist."""
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
    return Config(
        keymap=_keymap(path, data.get("keymap", {})),
        recap_format=_recap_format(path, data.get("recap", {})),
    )


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
