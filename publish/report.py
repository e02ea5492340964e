"""What a publish or a rollback did, per source, as data; and how the CLI prints it and a plan.

    report = publisher.publish(outcomes)
    report.ok                      # False when a source could not be published completely (the CLI exits 3)
    print(format_report(report))   # one line per source that changed or failed, then totals
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from publish.plan import Plan


@dataclass
class SourceResult:
    """What happened to one source."""

    source_id: str
    status: str  # published | unchanged | failed | not-built | removed | rolled-back
    build_id: str | None = None
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    error: str | None = None
    kept_build_id: str | None = None  # what it still serves after a failure
    visible_everywhere_by: float | None = None


@dataclass
class PublishReport:
    """What one publish (or rollback) did."""

    results: list[SourceResult] = field(default_factory=list)
    uploaded_bytes: int = 0
    puts: int = 0
    collected: list[str] = field(default_factory=list)  # expired orphans deleted
    invalidation: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """True when every built source was published completely."""
        return not self.failed

    @property
    def failed(self) -> list[SourceResult]:
        """Return the sources that could not be published (their previous version is still served)."""
        return [r for r in self.results if r.status == "failed"]

    @property
    def not_built(self) -> list[SourceResult]:
        """Return the sources that failed to build (nothing of theirs was touched)."""
        return [r for r in self.results if r.status == "not-built"]


def format_report(report: PublishReport) -> str:
    """Return the report as the lines the CLI prints."""
    lines = []
    for r in report.results:
        if r.status == "failed":
            kept = f"; still serving build {r.kept_build_id}" if r.kept_build_id else "; nothing was served before"
            lines.append(f"FAILED {r.source_id}: {r.error}{kept}")
        elif r.status == "not-built":
            lines.append(f"NOT BUILT {r.source_id}: {r.error}; its previous objects are untouched")
        elif r.status != "unchanged":
            lines.append(f"{r.status} {r.source_id} build {r.build_id}: {len(r.uploaded)} uploaded, "
                         f"{len(r.deleted)} deleted")
    if report.invalidation:
        inv = report.invalidation
        lines.append(f"invalidation {inv.get('id')}: {len(inv.get('paths', []))} paths, {inv.get('status')}")
    counts = {s: sum(r.status == s for r in report.results) for s in ("published", "unchanged", "failed")}
    lines.append(f"{counts['published']} sources published, {counts['unchanged']} unchanged, {counts['failed']} "
                 f"failed, {len(report.not_built)} not built; {report.puts} objects uploaded "
                 f"({report.uploaded_bytes} bytes), {len(report.collected)} expired objects deleted")
    return "\n".join(lines)


def format_plan(plan: Plan) -> str:
    """Return the plan as the lines the CLI prints: one per source, then the totals."""
    lines = []
    for s in plan.sources:
        if s.failure is not None:
            lines.append(f"{s.source_id}: not built, nothing changes")
            continue
        what = "removed from the workspace" if s.removed else ""
        lines.append(f"{s.source_id}: add {len(s.add)}, update {len(s.update)}, delete {len(s.delete)}, "
                     f"unchanged {len(s.unchanged)}{' ' + what if what else ''}")
        lines += [f"  {action} {key}" for action in ("add", "update", "delete") for key in getattr(s, action)]
    counts = plan.counts()
    lines.append(f"total: add {counts['add']}, update {counts['update']}, delete {counts['delete']}, unchanged "
                 f"{counts['unchanged']}; {len(plan.orphaned)} newly unreferenced, {len(plan.expired)} to delete "
                 f"(grace period over)")
    return "\n".join(lines)


def format_status(status: dict[str, Any], now: float) -> str:
    """Return, per source, the build served, when it was published, when it is visible everywhere, and events."""
    if not status:
        return "nothing has been published to this target"
    lines = []
    for source_id, state in status.items():
        visible = state.get("visible_everywhere_by")
        when = ("visible everywhere" if visible is not None and visible <= now else
                f"visible everywhere by {_time(visible)} (in {int(visible - now)} s)" if visible is not None else "")
        via = " after invalidation" if state.get("invalidated_at") else ""
        lines.append(f"{source_id}: build {state.get('build_id')}, published {_time(state.get('published_at'))}, "
                     f"{when}{via}; {len(state.get('builds', []))} builds kept")
        for event in state.get("events", [])[-3:]:
            if event.get("action") == "rollback":
                lines.append(f"  rolled back from {event.get('from')} to {event['build_id']} at {_time(event['at'])}")
            else:
                lines.append(f"  published {event['build_id']} at {_time(event['at'])}")
    return "\n".join(lines)


def _time(value: float | None) -> str:
    """Format a Unix time as UTC ISO 8601."""
    if value is None:
        return "never"
    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
