"""The connection rules of SPEC §4 as pure functions over one validated source.

    violations = check_source(source, catalog, limits)   # [] when the source may be built

Each rule has a stable code (`R1-...` to `R11-...`) and points at the instance and field that break it.
Where one duplicate instance breaks several rules, the most specific rule reports it (data lake, device-only,
single-instance destination, source type, device-mode, cloud limit), so a user reads one clear sentence.
Catalog checks (unknown destination or setting, setting types) use `C-` codes.
Rule 10's "required settings must be present" binds enabled instances: a disabled one may lack them (as a
Segment destination can be saved disabled and incomplete) and cannot be enabled until they are filled in;
`settings_to_fill_in` names what it lacks, which `bundlesmith validate` prints as notes.
"""
from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from builder.catalog import Catalog, Destination
from builder.models import InstanceFile, LimitsConfig, SourceFile
from builder.problems import describe_value

Path = tuple[str | int, ...]

RESERVED_INTEGRATION_KEYS = ("All", "Segment.io")


@dataclass(frozen=True)
class Violation:
    """A rule broken by a source, located by key path inside the source file."""

    code: str
    path: Path
    message: str
    expected: str | None = None
    got: str | None = None


def check_source(source: SourceFile, catalog: Catalog, limits: LimitsConfig) -> list[Violation]:
    """Return every rule the source breaks (empty when it may be built)."""
    found: list[Violation] = []
    known: list[tuple[int, InstanceFile, Destination]] = []
    for index, instance in enumerate(source.destinations):
        destination = catalog.get(instance.destination)
        if destination is None:
            found.append(_unknown_destination(index, instance, catalog))
            continue
        known.append((index, instance, destination))
        found.extend(_check_mode(source, index, instance, destination))
        found.extend(_check_settings(index, instance, destination, required=instance.enabled))
    found.extend(_check_unique_names(source))
    found.extend(_check_counts(source, known, limits))
    found.extend(_check_integrations(source, catalog))
    return sorted(found, key=lambda v: (v.path[1] if len(v.path) > 1 and isinstance(v.path[1], int) else -1, v.code))


# --- rule 1: unique instance names -----------------------------------------------------------------------------

def _check_unique_names(source: SourceFile) -> Iterator[Violation]:
    seen: dict[str, int] = {}
    for index, instance in enumerate(source.destinations):
        key = instance.name.strip().casefold()
        if key in seen:
            yield Violation(
                "R1-duplicate-name", ("destinations", index, "name"),
                f"the instance name '{instance.name}' is already used by destinations[{seen[key]}]; "
                "each instance on a source needs its own name",
            )
        else:
            seen[key] = index


# --- rules 2-7: how many instances of one destination a source may connect --------------------------------------

_CountRule = Callable[[SourceFile, Destination, list[tuple[int, InstanceFile]], LimitsConfig], Iterator[Violation]]


def _check_counts(source: SourceFile, known: list[tuple[int, InstanceFile, Destination]],
                  limits: LimitsConfig) -> Iterator[Violation]:
    by_destination: dict[str, list[tuple[int, InstanceFile]]] = defaultdict(list)
    destinations: dict[str, Destination] = {}
    for index, instance, destination in known:
        by_destination[destination.name].append((index, instance))
        destinations[destination.name] = destination
    for name, instances in by_destination.items():
        reported: set[int] = set()
        if len(instances) < 2:  # every count rule allows one instance
            continue
        for rule in _COUNT_RULES:
            for violation in rule(source, destinations[name], instances, limits):
                index = violation.path[1]
                if index not in reported:
                    reported.add(index)  # type: ignore[arg-type]
                    yield violation


def _extra(instances: list[tuple[int, InstanceFile]], allowed: int) -> list[tuple[int, InstanceFile]]:
    return instances[allowed:]


def _rule7_data_lake(source, destination, instances, limits):
    if destination.data_lake:
        for index, _ in _extra(instances, 1):
            yield Violation("R7-data-lake-duplicate", ("destinations", index, "destination"),
                            f"{destination.name} is a data lake: a source connects one instance of it",
                            expected="1 instance", got=f"{len(instances)} instances")


def _rule4_device_only(source, destination, instances, limits):
    if destination.device_only:
        for index, _ in _extra(instances, 1):
            yield Violation("R4-device-only-duplicate", ("destinations", index, "destination"),
                            f"{destination.name} works in device-mode only and can be connected to a source once; "
                            "remove this instance or merge its settings into the first one",
                            expected="1 instance", got=f"{len(instances)} instances")


def _rule6_not_multi_instance(source, destination, instances, limits):
    if not destination.multi_instance:
        for index, _ in _extra(instances, 1):
            yield Violation("R6-not-multi-instance", ("destinations", index, "destination"),
                            f"{destination.name} does not support multiple instances: it can be connected to a "
                            "source only once", expected="1 instance", got=f"{len(instances)} instances")


def _rule5_single_instance_source(source, destination, instances, limits):
    if source.type in ("mobile", "project"):
        for index, _ in _extra(instances, 1):
            yield Violation("R5-single-instance-source", ("destinations", index, "destination"),
                            f"{source.type} sources cannot connect more than one instance of a destination, "
                            f"and {destination.name} is already connected", expected="1 instance",
                            got=f"{len(instances)} instances")


def _rule3_one_device_instance(source, destination, instances, limits):
    if source.type == "web":
        device = [(i, inst) for i, inst in instances if inst.mode == "device"]
        for index, _ in _extra(device, 1):
            yield Violation("R3-device-duplicate", ("destinations", index, "mode"),
                            f"a web source connects at most one device-mode instance of {destination.name} "
                            "(a browser cannot load two copies of its SDK); make this instance cloud-mode or "
                            "remove it", expected="1 device-mode instance", got=f"{len(device)}")


def _rule2_cloud_limit(source, destination, instances, limits):
    cloud = [(i, inst) for i, inst in instances if inst.mode == "cloud"]
    allowed = limits.cloud_instances_per_destination
    for index, _ in _extra(cloud, allowed):
        yield Violation("R2-cloud-limit", ("destinations", index, "destination"),
                        f"a source connects at most {allowed} cloud-mode instances of {destination.name} "
                        "(limits.cloud_instances_per_destination in workspace.yaml)",
                        expected=f"at most {allowed}", got=f"{len(cloud)}")


_COUNT_RULES: tuple[_CountRule, ...] = (
    _rule7_data_lake, _rule4_device_only, _rule6_not_multi_instance,
    _rule5_single_instance_source, _rule3_one_device_instance, _rule2_cloud_limit,
)


# --- rules 8 and 9: which modes are possible --------------------------------------------------------------------

def _check_mode(source: SourceFile, index: int, instance: InstanceFile, destination: Destination) -> Iterator[Violation]:
    path = ("destinations", index, "mode")
    if source.type == "server" and instance.mode == "device":
        yield Violation("R8-server-device-mode", path,
                        "server sources are cloud-mode only: nothing runs in a browser or app",
                        expected="'cloud'", got="'device'")
    elif instance.mode not in destination.modes:
        only = "device-mode only" if destination.device_only else "cloud-mode only"
        yield Violation("R9-mode-unsupported", path, f"{destination.name} works in {only}",
                        expected=" or ".join(repr(m) for m in destination.modes), got=repr(instance.mode))


# --- rule 10: settings ------------------------------------------------------------------------------------------

def _required_settings(destination: Destination) -> list[tuple[str, Any]]:
    """Return the destination's required settings by key (remembered per loaded catalog entry)."""
    held = _REQUIRED.get(id(destination))
    if held is None or held[0] is not destination:
        if len(_REQUIRED) >= 1024:  # catalogs reloaded many times over: forget the old ones
            _REQUIRED.clear()
        held = _REQUIRED[id(destination)] = (destination, [(key, spec) for key, spec in
                                                           sorted(destination.settings.items()) if spec.required])
    return held[1]


_REQUIRED: dict[int, tuple[Destination, list[tuple[str, Any]]]] = {}


def settings_to_fill_in(source: SourceFile, catalog: Catalog) -> list[tuple[int, str, str]]:
    """Return (index, destination, key) of each required setting a disabled instance lacks (needed to enable it)."""
    found = []
    for index, instance in enumerate(source.destinations):
        destination = catalog.get(instance.destination)
        if destination is not None and not instance.enabled:
            found += [(index, destination.name, key) for key, _ in _required_settings(destination)
                      if instance.settings.get(key) in (None, "")]
    return found


def _check_settings(index: int, instance: InstanceFile, destination: Destination, *,
                    required: bool = True) -> Iterator[Violation]:
    for key, spec in _required_settings(destination) if required else ():  # a disabled instance may be incomplete
        if instance.settings.get(key) in (None, ""):
            yield Violation("R10-setting-required", ("destinations", index, "settings", key),
                            f"{destination.name} needs the setting '{key}'"
                            + (f": {spec.description}" if spec.description else ""),
                            expected=f"a {spec.type}", got="nothing")
    for key, value in sorted(instance.settings.items()):
        spec = destination.settings.get(key)
        path = ("destinations", index, "settings", key)
        if spec is None:
            renamed = [new for new, s in sorted(destination.settings.items()) if key in s.renamed_from]
            if renamed:
                message = f"{destination.name}: '{key}' is now '{renamed[0]}' (Segment's key); rename the setting"
            else:
                close = difflib.get_close_matches(key, list(destination.settings), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                message = f"{destination.name} has no setting '{key}'{hint}"
            yield Violation("C-setting-unknown", path, message,
                            expected="one of " + ", ".join(sorted(destination.settings)), got=repr(key))
        elif value is not None and not spec.accepts(value):
            yield Violation("C-setting-type", path, f"the setting '{key}' of {destination.name} has the wrong type",
                            expected=f"a {spec.type}", got=describe_value(value))  # may be private: no value


# --- rule 11: the integrations object names destinations ---------------------------------------------------------

def _check_integrations(source: SourceFile, catalog: Catalog) -> Iterator[Violation]:
    instance_names = {inst.name: inst.destination for inst in source.destinations}
    for key in sorted(source.integrations):
        if key in RESERVED_INTEGRATION_KEYS or catalog.get(key) is not None:
            continue
        if key in instance_names:
            message = (f"'{key}' is an instance name; the integrations object names destinations and applies to "
                       f"every instance of one, so write '{instance_names[key]}'")
        else:
            message = f"'{key}' is not a destination"
        yield Violation("R11-integrations-key", ("integrations", key), message,
                        expected="All, Segment.io or a destination name", got=repr(key))


def _unknown_destination(index: int, instance: InstanceFile, catalog: Catalog) -> Violation:
    close = difflib.get_close_matches(instance.destination, catalog.names(), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else " (see `bundlesmith catalog`)"
    return Violation("C-unknown-destination", ("destinations", index, "destination"),
                     f"there is no destination called '{instance.destination}' in the catalog{hint}",
                     got=repr(instance.destination), expected="a catalog destination name")
