"""What bundlesmith would serve for a source vs what Segment serves: the differences, one line each (pure).

    ours = parse_settings(json.loads(build.objects[0].body), "bundlesmith")
    theirs = parse_settings(segment_document, "segment.json")
    for difference in differences(theirs, ours, catalog):
        print(difference)        # "Mixpanel | token | Segment: "abc" | bundlesmith: "abd""

Compared, with Segment's names mapped to the catalog's (`names.py`): the write key; which destinations run in the
browser (device-mode) and which are left to servers (cloud-mode); every setting Segment's JSON holds for a
device-mode destination against what bundlesmith publishes for it (and every setting bundlesmith publishes with a
value other than the catalog default that Segment's JSON lacks); the consent categories of each device-mode
destination and of the source. Actions subscriptions are not in bundlesmith's output: the import reports them.
A setting the catalog marks private is shown by type and length only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from builder.catalog import Catalog
from bundlesmith.segment.names import catalog_name
from bundlesmith.segment.report import describe
from bundlesmith.segment.settings_json import SegmentDestination, SegmentSettings

ABSENT = object()
SOURCE = "(source)"


@dataclass(frozen=True)
class Difference:
    """One thing Segment and bundlesmith serve differently."""

    destination: str
    setting: str
    segment: str
    bundlesmith: str

    def __str__(self) -> str:
        return f"{self.destination} | {self.setting} | Segment: {self.segment} | bundlesmith: {self.bundlesmith}"


def differences(theirs: SegmentSettings, ours: SegmentSettings, catalog: Catalog) -> list[Difference]:
    """Return every difference between Segment's settings (`theirs`) and bundlesmith's (`ours`), sorted."""
    found: list[Difference] = []
    if theirs.write_key != ours.write_key:
        found.append(Difference(SOURCE, "write key", _show(theirs.write_key), _show(ours.write_key)))
    their_device, their_cloud = _by_name(theirs, catalog)
    our_device, our_cloud = _by_name(ours, catalog)
    for name in sorted(set(their_device) | set(our_device)):
        theirs_one, ours_one = their_device.get(name), our_device.get(name)
        if theirs_one is None or ours_one is None:
            found.append(Difference(name, "mode", _mode(name, theirs_one, their_cloud),
                                    _mode(name, ours_one, our_cloud)))
            continue
        found.extend(_setting_differences(name, theirs_one, ours_one, catalog))
        found.extend(_consent_difference(name, theirs_one, ours_one))
    for name in sorted((set(their_cloud) ^ set(our_cloud)) - set(their_device) - set(our_device)):
        found.append(Difference(name, "mode", _mode(name, None, their_cloud), _mode(name, None, our_cloud)))
    if (theirs.all_categories or ()) != (ours.all_categories or ()):
        found.append(Difference(SOURCE, "consent categories", _show(list(theirs.all_categories or ())),
                                _show(list(ours.all_categories or ()))))
    return found


def _by_name(settings: SegmentSettings, catalog: Catalog) -> tuple[dict[str, SegmentDestination], set[str]]:
    """Return the device-mode destinations by catalog name (unknown ones under Segment's name) and the cloud names."""
    device: dict[str, SegmentDestination] = {}
    for destination in settings.device():
        device.setdefault(catalog_name(destination.name, catalog, destination.settings) or destination.name,
                          destination)
    cloud = {catalog_name(d.name, catalog, d.settings) or d.name for d in settings.cloud()}
    return device, cloud


def _mode(name: str, device: SegmentDestination | None, cloud: set[str]) -> str:
    if device is not None:
        return "device-mode"
    return "cloud-mode" if name in cloud else "(absent)"


def _setting_differences(name: str, theirs: SegmentDestination, ours: SegmentDestination,
                         catalog: Catalog) -> list[Difference]:
    destination = catalog.get(name)
    specs = destination.settings if destination is not None else {}
    renamed = {old: new for new, spec in specs.items() for old in spec.renamed_from}
    their_values = {renamed.get(k, k): v for k, v in theirs.settings.items() if v is not None}  # null: unset
    found = []
    for key in sorted(set(their_values) | set(ours.settings)):
        segment, ours_value = their_values.get(key, ABSENT), ours.settings.get(key, ABSENT)
        spec = specs.get(key)
        if segment is ABSENT and spec is not None and _same(ours_value, spec.default):
            continue  # bundlesmith publishes the catalog default (Segment's) where Segment's JSON leaves it out
        if not _same(segment, ours_value):
            private = spec is not None and spec.private
            found.append(Difference(name, key, _show(segment, private), _show(ours_value, private)))
    return found


def _consent_difference(name: str, theirs: SegmentDestination, ours: SegmentDestination) -> list[Difference]:
    their_categories = list(theirs.consent_categories or ())
    our_categories = list(ours.consent_categories or ())
    if their_categories == our_categories:
        return []
    return [Difference(name, "consent categories", _show(their_categories), _show(our_categories))]


def _same(a: Any, b: Any) -> bool:
    """Compare two JSON values strictly: 1 and 1.0 are equal numbers, true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b if type(a) is type(b) or {type(a), type(b)} <= {int, float} else False


def _show(value: Any, private: bool = False) -> str:
    if value is ABSENT:
        return "(absent)"
    if private:
        return describe(value)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."
