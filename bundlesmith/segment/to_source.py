"""The source file (`sources/<id>.yaml`) built from a parsed Segment source, checked with builder's models and rules.

    imported = to_source(parsed, catalog, SourceOptions(source_id="storefront", name="Storefront"))
    imported.document      # SourceFile-shaped data: write key, device- and cloud-mode instances, Segment's keys
    imported.items         # what could not be represented (report.Item), nothing dropped silently
    text = source_yaml(imported, catalog, limits, "ws/sources/storefront.yaml")   # checked YAML, or ImportInputError

Choices (README "Moving from Segment" says them to users):
- A destination the catalog does not know, a mode it does not support, a second device-mode instance of one
  destination: left out and reported. A setting the catalog does not know: left out and reported; an older key the
  catalog renamed (`renamed_from`): written under the new key and reported.
- A value of the wrong type for its setting (JSON can hold it, the catalog refuses it): an error naming every such
  setting, by type only, and nothing is written.
- Cloud-mode instances keep whatever public settings the input has; an instance lacking a required setting (the
  private ones, always, from a settings JSON) is written disabled, so the rest of the source builds at once,
  `bundlesmith validate` names each setting to fill in, and nothing is published for it until it is filled in and
  enabled. With `skip_incomplete_cloud` such instances are left out of the file (and reported) instead.
- Actions subscriptions: bundlesmith's adapters perform Segment's default presets (`names.EXPRESSED_SUBSCRIPTIONS`);
  every subscription that differs (custom trigger, disabled preset, custom field mapping) is reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from builder.catalog import Catalog, Destination
from builder.models import SAFE_ID_PATTERN, SAFE_ID_RULE, LimitsConfig, SourceFile, SourceType
from builder.rules import check_source
from builder.workspace import parse_source_text
from bundlesmith.segment.fetch import ImportInputError
from bundlesmith.segment.names import (EXPRESSED_SUBSCRIPTIONS, catalog_name, is_expressed, normal_trigger,
                                       unknown_reason)
from bundlesmith.segment.report import Item, describe
from bundlesmith.segment.settings_json import SegmentDestination, SegmentSettings

MISSING_ALLOWED = "R10-setting-required"


@dataclass(frozen=True)
class SourceOptions:
    """What the command line says about the source being imported."""

    source_id: str
    name: str
    type: SourceType = "web"
    skip_incomplete_cloud: bool = False


@dataclass
class ImportedSource:
    """The source file's data and what the import could not represent."""

    document: dict[str, Any]
    items: list[Item] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (instance name, required setting) left to fill in


def to_source(parsed: SegmentSettings, catalog: Catalog, options: SourceOptions) -> ImportedSource:
    """Return the source file data for one parsed Segment source; raise ImportInputError on refused values."""
    _check_ids(parsed, options)
    imported = ImportedSource(document={
        "id": options.source_id, "name": options.name, "type": options.type, "write_key": parsed.write_key,
        "enabled": True, "destinations": []})
    imported.items.extend(parsed.items)
    refused: list[str] = []
    device_of: set[str] = set()
    for segment in parsed.destinations:
        destination = _destination(segment, catalog, options, device_of, imported.items)
        if destination is not None:
            instance = _instance(segment, destination, imported, refused, options)
            if instance is not None:
                imported.document["destinations"].append(instance)
    if refused:
        raise ImportInputError(f"{parsed.where}: values the catalog refuses; nothing was written:\n"
                               + "\n".join(f"  {line}" for line in refused))
    imported.items.extend(_consent_items(parsed, imported.document["destinations"]))
    return imported


def _check_ids(parsed: SegmentSettings, options: SourceOptions) -> None:
    for label, value in (("the write key (integrations.Segment.io.apiKey)", parsed.write_key),
                         ("the source id (--source-id)", options.source_id)):
        if not re.fullmatch(SAFE_ID_PATTERN, value):
            raise ImportInputError(f"{parsed.where}: {label} must be {SAFE_ID_RULE} (got {describe(value)})")


def _destination(segment: SegmentDestination, catalog: Catalog, options: SourceOptions, device_of: set[str],
                 items: list[Item]) -> Destination | None:
    """Return the catalog destination an input destination becomes, or None (reported) when it cannot be one."""
    name = catalog_name(segment.name, catalog, segment.settings)
    if name is None:
        items.append(Item("unknown-destination", segment.where,
                          f"'{segment.name}' ({segment.mode}-mode): {unknown_reason(segment.name, segment.settings)}"))
        return None
    destination = catalog.get(name)
    assert destination is not None
    if segment.mode not in destination.modes or (segment.mode == "device" and options.type == "server"):
        only = "server sources are cloud-mode only" if options.type == "server" else \
            f"{name} works in {' and '.join(destination.modes)}-mode only"
        items.append(Item("unsupported-mode", segment.where, f"'{segment.name}' is {segment.mode}-mode in Segment, "
                          f"but {only}: left out"))
        return None
    if segment.mode == "device":
        if name in device_of:
            items.append(Item("duplicate-device", segment.where, f"a second device-mode {name} ('{segment.name}'): "
                              "a browser loads one per destination; left out"))
            return None
        device_of.add(name)
    return destination


def _instance(segment: SegmentDestination, destination: Destination, imported: ImportedSource, refused: list[str],
              options: SourceOptions) -> dict[str, Any] | None:
    """Return one instance of the source file, reporting what of it cannot be represented."""
    settings = _settings(segment, destination, imported.items, refused)
    missing = [key for key, spec in sorted(destination.settings.items())
               if spec.required and settings.get(key) in (None, "")]
    name = _unique_name(segment, imported.document["destinations"])
    for key in missing:
        kind = "private" if destination.settings[key].private else "public"
        left_out = segment.mode == "cloud" and options.skip_incomplete_cloud
        imported.items.append(Item("missing-setting", f"{segment.where}", f"'{name}' needs the {kind} setting "
                                   f"'{key}', which the input does not hold"
                                   + ("; instance left out (--skip-incomplete-cloud)" if left_out else
                                      "; the instance is written disabled: fill it in, then set `enabled: true` "
                                      "(`bundlesmith validate` names it)")))
    if missing and segment.mode == "cloud" and options.skip_incomplete_cloud:
        return None
    imported.missing.extend((name, key) for key in missing)
    imported.items.extend(_subscription_items(segment, destination))
    instance: dict[str, Any] = {"destination": destination.name, "name": name, "mode": segment.mode,
                                "enabled": segment.enabled and not missing, "settings": settings}
    if segment.consent_categories:
        instance["consent_categories"] = list(segment.consent_categories)
    return instance


def _unique_name(segment: SegmentDestination, instances: list[dict[str, Any]]) -> str:
    taken = {i["name"].strip().casefold() for i in instances}
    base = (segment.instance_name or segment.name).strip()[:85] or "Destination"
    candidates = [base, f"{base} ({segment.mode})"] + [f"{base} ({segment.mode} {n})" for n in range(2, 1000)]
    return next(c for c in candidates if c.casefold() not in taken)


def _settings(segment: SegmentDestination, destination: Destination, items: list[Item],
              refused: list[str]) -> dict[str, Any]:
    """Return the settings the catalog knows, under Segment's keys; report the others, refuse wrong types."""
    settings: dict[str, Any] = {}
    for key in sorted(segment.settings):
        value = segment.settings[key]
        target = key
        spec = destination.settings.get(key)
        if spec is None:
            renamed = [new for new, s in sorted(destination.settings.items()) if key in s.renamed_from]
            if not renamed:
                items.append(Item("unknown-setting", segment.settings_path(key), f"{destination.name} has no setting "
                                  f"'{key}' in the catalog ({describe(value)}): left out"))
                continue
            target, spec = renamed[0], destination.settings[renamed[0]]
            items.append(Item("note", segment.settings_path(key), f"written as '{target}', the catalog's key for it"))
        if value is None:
            continue
        if not spec.accepts(value):
            article = "an" if spec.type[0] in "aeiou" else "a"
            refused.append(f"{segment.settings_path(key)}: {destination.name}'s setting '{target}' must be {article} "
                           f"{spec.type} "
                           f"(got {describe(value)})")
            continue
        settings[target] = value
    return settings


def _subscription_items(segment: SegmentDestination, destination: Destination) -> list[Item]:
    """Report every Actions subscription bundlesmith's adapter does not perform as Segment would."""
    if segment.kind != "actions":
        return []
    items: list[Item] = []
    enabled_expressed: set[tuple[str, str]] = set()
    mapped = 0
    for index, sub in enumerate(segment.subscriptions):
        where = f"{segment.where}.settings.subscriptions[{index}]"
        action, trigger = str(sub.get("partnerAction", "")), str(sub.get("subscribe", ""))
        label = f"'{sub.get('name', action)}' ({action}: {normal_trigger(trigger)})"
        expressed = is_expressed(destination.name, action, trigger)
        if sub.get("enabled", True) is not True:
            if expressed:
                items.append(Item("subscription", where, f"{label} is disabled in Segment, but bundlesmith's adapter "
                                  "performs it (a Segment default)"))
            continue
        if not expressed:
            items.append(Item("subscription", where, f"{label} is not performed by bundlesmith's adapter, which "
                              "performs Segment's default subscriptions only"))
            continue
        enabled_expressed.add((action, normal_trigger(trigger)))
        mapped += bool(sub.get("mapping"))
    if mapped:
        items.append(Item("subscription", f"{segment.where}.settings.subscriptions",
                          f"the field mappings of {mapped} subscription(s) are not imported: bundlesmith's adapter "
                          "maps fields as Segment's defaults do"))
    covered = {trigger for _, trigger in enabled_expressed}  # FullStory's V1 and V2 actions share their triggers
    extra = sorted({a for a, t in EXPRESSED_SUBSCRIPTIONS.get(destination.name, frozenset()) if t not in covered})
    extra = [a for a in extra if not a.endswith("V2") or a[:-2] not in extra]
    if extra:
        items.append(Item("subscription", f"{segment.where}.settings.subscriptions",
                          "bundlesmith's adapter also performs these Segment defaults this source does not "
                          "subscribe to: " + ", ".join(extra)))
    return items


def _consent_items(parsed: SegmentSettings, instances: list[dict[str, Any]]) -> list[Item]:
    used = {c for i in instances for c in i.get("consent_categories", [])}
    items = [Item("consent", "consentSettings.allCategories", f"the category '{c}' is on no imported destination "
                  "(Segment counts destinations this input does not describe); bundlesmith publishes only the "
                  "categories of the source's instances") for c in (parsed.all_categories or ()) if c not in used]
    unmapped = any(not i.get("consent_categories") for i in instances)
    if parsed.has_unmapped_destinations is not None and parsed.has_unmapped_destinations != unmapped:
        items.append(Item("consent", "consentSettings.hasUnmappedDestinations",
                          f"Segment says {str(parsed.has_unmapped_destinations).lower()}; the imported instances "
                          f"give {str(unmapped).lower()}"))
    return items


# --- the file ---------------------------------------------------------------------------------------------------

def source_yaml(imported: ImportedSource, catalog: Catalog, limits: LimitsConfig, display: str,
                header: str = "") -> str:
    """Return the source file's YAML text, checked as `validate` will read it; raise ImportInputError otherwise."""
    try:
        intended = SourceFile.model_validate(imported.document)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ImportInputError(f"{display}: the imported source is not a valid source file: "
                               f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
    unexpected = [v for v in check_source(intended, catalog, limits) if v.code != MISSING_ALLOWED]
    if unexpected:
        raise ImportInputError(f"{display}: the imported source breaks the connection rules; nothing was written:\n"
                               + "\n".join(f"  [{v.code}] {v.message}" for v in unexpected))
    failure = ""
    for allow_unicode in (True, False):  # escaped (\\uXXXX) when a character would not read back as written
        text = header + yaml.safe_dump(imported.document, sort_keys=False, allow_unicode=allow_unicode, width=120)
        failure = _read_back_failure(text, intended, catalog, limits, display)
        if not failure:
            return text
    raise ImportInputError(f"{display}: the written file would not read back as imported ({failure}); "
                           "nothing was written")


def _read_back_failure(text: str, intended: SourceFile, catalog: Catalog, limits: LimitsConfig, display: str) -> str:
    """Return why `text` does not read back as `intended` (the first problem or differing key path), or ''."""
    loaded = parse_source_text(text, display, catalog, limits)
    refused = [p for p in loaded.problems if p.code != MISSING_ALLOWED]
    if refused or loaded.source is None:
        return str(refused[0]) if refused else "unreadable"
    return _first_difference(intended.model_dump(), loaded.source.model_dump(), "")


def _first_difference(a: Any, b: Any, path: str) -> str:
    """Return the key path of the first difference between two values, or ''."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            found = _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        return ""
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return next((f for i, (x, y) in enumerate(zip(a, b)) if (f := _first_difference(x, y, f"{path}[{i}]"))), "")
    return "" if type(a) is type(b) and a == b else f"{path} differs"
