"""Reading the console's destination form into the fields the connections code takes (pure).

    fields, typed, errors = instance_fields(form, destination, stored=None)     # a new instance
    fields, typed, errors = instance_fields(form, destination, stored=masked)   # an edit (PATCH-like fields)

Form names: `name`, `mode`, `enabled` (a checkbox), `consent_categories` (comma-separated), and `setting.<key>` per
catalog setting (`present.<key>` marks a checkbox that was on the form). Values are typed by the catalog: numbers,
booleans, JSON for lists and mappings; a typing error is returned by field, and nothing is sent.

Private settings are write-only: a blank private field keeps the stored value (the mask is sent, which the
connections code replaces by the stored value), or is left out of a new instance. Settings the catalog does not
declare are sent back as they are stored (masked ones as the mask), so an edit never drops them. A blank public
field, or a value equal to the catalog default that the instance did not set, is left out: the file stays short.
"""
from __future__ import annotations

import json
import math
from typing import Any

from builder.catalog import Destination, SettingSpec
from bundlesmith.serve.api_values import MASK

_NOT_SET = object()


def form_dict(form: list[tuple[str, str]]) -> dict[str, str]:
    """Return the form's fields by name (the last of repeated names; `csrf` left out)."""
    return {name: value for name, value in form if name != "csrf"}


def categories(text: str) -> list[str]:
    """Return consent categories typed as `a, b c`: split on commas and spaces, blanks and repeats dropped."""
    return list(dict.fromkeys(part for part in text.replace(",", " ").split() if part))


def instance_fields(form: list[tuple[str, str]], destination: Destination, stored: dict[str, Any] | None = None
                    ) -> tuple[dict[str, Any], dict[str, str], dict[str, list[str]]]:
    """Return (fields to send, what was typed for public settings, typing errors by field)."""
    values = form_dict(form)
    stored_settings = (stored or {}).get("settings") or {}
    settings: dict[str, Any] = {}
    typed: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for key, spec in destination.settings.items():
        raw = values.get(f"setting.{key}")
        if spec.type == "boolean" and not spec.private:
            if f"present.{key}" not in values:
                continue
            raw = "true" if raw is not None else "false"
        if raw is None:
            continue
        if not spec.private:
            typed[key] = raw
        try:
            value = setting_value(raw, spec, key in stored_settings)
        except ValueError as exc:
            errors.setdefault(f"settings.{key}", []).append(str(exc))
            continue
        if value is not _NOT_SET and not _default_left_alone(value, spec, key in stored_settings):
            settings[key] = value
    settings.update({k: v for k, v in stored_settings.items() if k not in destination.settings})
    fields = {"name": values.get("name", "").strip(), "mode": values.get("mode", ""),
              "enabled": values.get("enabled") is not None,
              "consent_categories": categories(values.get("consent_categories", "")), "settings": settings}
    return fields, typed, errors


def _default_left_alone(value: Any, spec: SettingSpec, was_set: bool) -> bool:
    """True when a setting the instance did not set is sent at its default (or unset boolean as false)."""
    if was_set or spec.private:
        return False
    return value == spec.default or (spec.default is None and value is False)


def setting_value(raw: str, spec: SettingSpec, was_set: bool) -> Any:
    """Return the typed value of one field, _NOT_SET to leave it out, MASK to keep a stored private value."""
    text = raw if spec.private else raw.strip()
    if text == "":
        if spec.private:
            return MASK if was_set else _NOT_SET
        return _NOT_SET
    if text == MASK:
        return MASK  # a masked value shown in a public field (it holds a secret) and sent back: keep it
    if spec.type == "boolean":
        return text == "true"
    if spec.type == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueError("expected a whole number, such as 42") from None
    if spec.type == "number":
        return _number(text)
    if spec.type in ("array", "object"):
        return _json_value(text, spec.type)
    return text


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise ValueError("expected a number, such as 1.5") from None
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _json_value(text: str, kind: str) -> Any:
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except ValueError:
        example = '["a", "b"]' if kind == "array" else '{"key": "value"}'
        raise ValueError(f"expected JSON {'list' if kind == 'array' else 'mapping'}, such as {example}") from None
    if not isinstance(value, list if kind == "array" else dict):
        raise ValueError(f"expected a JSON {'list' if kind == 'array' else 'mapping'}")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def changed_fields(fields: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Return the fields of an edit that differ from the stored (masked) instance; settings are sent whole."""
    changed = {k: v for k, v in fields.items() if k != "settings" and v != stored.get(k)}
    if fields["settings"] != (stored.get("settings") or {}):
        changed["settings"] = fields["settings"]
    return changed
