"""What the admin API shows of an instance's values and how it writes them back: masks, YAML 1.1-safe scalars.

    mask_instance(instance, catalog, is_secret)  # private settings (and public ones holding a secret) -> MASK
    unmask_settings(asked, stored, private)      # MASK sent back keeps the stored value
    yaml_safe(value)                             # strings YAML 1.1 would read as something else, quoted
    first_difference(asked, read_back)           # the first field that would not read back as sent, or None
    redact_problems(problems, data)              # problem details about a setting say its type and length only
    with_iso_times(answer)                       # `published_at_iso` beside `published_at`: ISO 8601, UTC

Private settings are write-only: no response carries their value, in the style of Segment's Public API; nor does a
public setting whose value is a private value somewhere in the workspace (a secret pasted in the wrong field). The admin
API writes YAML with ruamel (YAML 1.2) and the workspace loader reads it with PyYAML (YAML 1.1), so a string such as
`yes`, `off`, `12:30` or `1_000` written plain would come back as a boolean or a number: `yaml_safe` wraps every
such string (keys included) in double quotes, judged by PyYAML's own resolver.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import yaml
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from builder.catalog import Catalog

MASK = "••••••••"
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_SETTING_PATH = re.compile(r"^destinations\[(\d+)\]\.settings(?:\.(.+))?$")


class MaskedWithoutValue(ValueError):
    """The mask was sent for a private setting that has no stored value to keep."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def private_keys_of(destination: str, catalog: Catalog) -> frozenset[str] | None:
    """Return the destination's private setting keys; None when the catalog does not know it (mask everything)."""
    found = catalog.get(destination)
    return None if found is None else found.private_keys()


def _no_secret(text: str) -> bool:
    return False


def mask_instance(instance: dict[str, Any], catalog: Catalog,
                  is_secret: Callable[[str], bool] = _no_secret) -> dict[str, Any]:
    """Return the instance with MASK for every private setting, and for every setting holding a secret string."""
    private = private_keys_of(str(instance.get("destination", "")), catalog)
    settings = instance.get("settings")
    if not isinstance(settings, dict):
        return instance
    masked = {key: MASK if value is not None and (private is None or key in private
                                                  or any(is_secret(text) for text in _strings(value))) else value
              for key, value in settings.items()}
    return {**instance, "settings": masked}


def _strings(value: Any) -> list[str]:
    """Return every string in a setting's value (keys of mappings included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (*_strings(key), *_strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def unmask_settings(asked: dict[str, Any], stored: dict[str, Any] | None, private: frozenset[str] | None
                    ) -> dict[str, Any]:
    """Return `asked` with MASK replaced by the stored value; MASK for a private key with none: MaskedWithoutValue."""
    result = {}
    for key, value in asked.items():
        if value == MASK and stored is not None and stored.get(key) is not None:
            value = stored[key]
        elif value == MASK and (private is None or key in private):
            raise MaskedWithoutValue(key)
        result[key] = value
    return result


def yaml_safe(value: Any) -> Any:
    """Return `value` with every string that YAML 1.1 would not read back as that string double-quoted."""
    if isinstance(value, dict):
        return {yaml_safe(key): yaml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [yaml_safe(item) for item in value]
    if isinstance(value, str) and not isinstance(value, DoubleQuotedScalarString) and _ambiguous(value):
        return DoubleQuotedScalarString(value)
    return value


def _ambiguous(text: str) -> bool:
    """True when PyYAML (YAML 1.1) would resolve `text`, written plain, to something other than a string."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != _STR_TAG


def first_difference(asked: dict[str, Any], read_back: dict[str, Any]) -> str | None:
    """Return the first field of `asked` that `read_back` does not hold exactly (MASK settings: any stored value)."""
    for key, value in asked.items():
        got = read_back.get(key)
        if key == "settings" and isinstance(value, dict) and isinstance(got, dict):
            if set(value) != set(got):
                return "settings"
            for name, setting in value.items():
                if setting != MASK and not same_value(setting, got[name]):
                    return f"settings.{name}"
        elif not same_value(value, got):
            return key
    return None


def same_value(a: Any, b: Any) -> bool:
    """True when `a` and `b` are the same JSON value: no bool for an int, no number for a string."""
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and str(a) == str(b)
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int | float) and isinstance(b, int | float):
        return isinstance(a, float) == isinstance(b, float) and a == b
    return False


def describe(value: Any) -> str:
    """Say what a value is without showing it: its type, and its length for strings."""
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    return "null" if value is None else f"a value of type {type(value).__name__}"


def redact_problems(problems: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    """Return problem dicts whose `got` about a setting value says its type and length only."""
    redacted = []
    for problem in problems:
        match = _SETTING_PATH.match(str(problem.get("path") or ""))
        if match and problem.get("code") != "C-setting-unknown":
            problem = {**problem, "got": describe(_setting(data, int(match.group(1)), match.group(2)))}
        redacted.append(problem)
    return redacted


def _setting(data: Any, index: int, key: str | None) -> Any:
    """Return destinations[index].settings[key] (or the settings themselves) from the file's data, else None."""
    try:
        settings = data["destinations"][index]["settings"]
        return settings if key is None else settings[key]
    except (KeyError, IndexError, TypeError):
        return None


_TIME_KEY = re.compile(r"^(?:at|.+_at|.+_by)$")  # epoch seconds: published_at, visible_everywhere_by, an event's at


def iso_time(epoch: float | None) -> str | None:
    """Return epoch seconds as ISO 8601 in UTC, to the second (`2026-12-06T16:20:39Z`); None if not a time."""
    try:
        moment = datetime.fromtimestamp(epoch, tz=timezone.utc)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def with_iso_times(value: Any) -> Any:
    """Return `value` with `<key>_iso` (ISO 8601, UTC) beside every epoch time (`*_at`, `*_by`, `at`), at any depth."""
    if isinstance(value, list):
        return [with_iso_times(item) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key, item in value.items():
        result[key] = with_iso_times(item)
        text = (iso_time(item) if isinstance(key, str) and _TIME_KEY.match(key) and isinstance(item, int | float)
                and not isinstance(item, bool) and f"{key}_iso" not in value else None)
        if text is not None:
            result[f"{key}_iso"] = text
    return result
