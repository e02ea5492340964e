"""`bundlesmith import segment` and `bundlesmith compare segment`: moving a Segment source into a workspace and
checking that bundlesmith serves what Segment serves (`bundlesmith/segment/`)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from builder.errors import UsageError
from bundlesmith.commands.common import echo, workspace_arg
from bundlesmith.segment.fetch import FetchLimits
from bundlesmith.segment.report import format_report
from bundlesmith.segment.run import ImportResult, compare_settings, import_export, import_settings
from bundlesmith.segment.to_source import SourceOptions

timeout_option = click.option("--timeout", type=click.FloatRange(min=0.1, max=600), default=30.0, show_default=True,
                              help="Longest a URL may take to answer, in seconds (connect and each read: at most "
                                   "5 s and 10 s).")


@click.group(name="import")
def import_group() -> None:
    """Import configuration from another tool into a workspace."""


@click.group(name="compare")
def compare_group() -> None:
    """Compare what bundlesmith would serve with what another tool serves."""


@import_group.command(name="segment")
@workspace_arg
@click.option("--settings", "location", metavar="FILE_OR_URL",
              help="The source's settings JSON: a file, or https://cdn.segment.com/v1/projects/<writeKey>/settings.")
@click.option("--export", "export", metavar="FILE_OR_URL",
              help="Many sources at once: the Public API's list destinations answer (data.destinations), with its "
                   "list sources answer beside it (data.sources, for the write keys); private settings included.")
@click.option("--source-id", help="Id of the new source (default: from --name, else segment-<write key prefix>).")
@click.option("--name", help="Display name of the new source (default: the source id).")
@click.option("--type", "source_type", type=click.Choice(["web", "mobile", "server", "project"]), default="web",
              show_default=True, help="Source type.")
@click.option("--skip-incomplete-cloud", is_flag=True,
              help="Leave out cloud-mode instances whose required settings the input lacks (they are reported), so "
                   "the device-mode part builds at once.")
@click.option("--force", is_flag=True, help="Replace an existing sources/<id>.yaml.")
@timeout_option
def import_segment(workspace: Path, location: str | None, export: str | None, source_id: str | None,
                   name: str | None, source_type: str, skip_incomplete_cloud: bool, force: bool,
                   timeout: float) -> None:
    """Write WORKSPACE/sources/<id>.yaml from a Segment source's settings JSON (or every source of a Public API
    export), and report what it could not hold."""
    limits = FetchLimits(deadline=timeout, connect_timeout=min(5.0, timeout), read_timeout=min(10.0, timeout))
    if (location is None) == (export is None):
        raise UsageError("pass either --settings FILE_OR_URL (one source) or --export FILE_OR_URL (many)")
    if export is not None:
        if source_id or name:
            raise UsageError("--source-id and --name name one source: with --export, sources are named by their slug")
        for result in import_export(workspace, export, source_type, skip_incomplete_cloud, force, limits):
            _print_import(workspace, result)
        return
    assert location is not None
    source_id = source_id or (_slug(name) if name else "")
    options = SourceOptions(source_id=source_id, name=name or source_id, type=source_type,  # type: ignore[arg-type]
                            skip_incomplete_cloud=skip_incomplete_cloud)
    result = import_settings(workspace, location, options, force=force, limits=limits)
    _print_import(workspace, result)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_").lower()[:100]
    if not slug:
        raise UsageError(f"--name {text!r} gives no usable source id; pass --source-id")
    return slug


def _print_import(workspace: Path, result: ImportResult) -> None:
    echo(f"wrote {result.path}: source '{result.source_id}', {result.device} device-mode and {result.cloud} "
         f"cloud-mode instances")
    echo(f"report: what the file does not hold as Segment had it ({len(result.items)}):")
    echo(format_report(result.items))
    if result.missing:
        echo(f"settings to fill in ({len(result.missing)}; their instances are written disabled, the rest builds; "
             f"`bundlesmith validate {workspace}` names them):")
        for instance, key in result.missing:
            echo(f"  - {instance}: {key}")
    echo("install on the site (replaces Segment's snippet):")
    echo(f"  bundlesmith snippet {workspace} {result.source_id}")


@compare_group.command(name="segment")
@workspace_arg
@click.argument("source_id")
@click.option("--settings", "location", required=True, metavar="FILE_OR_URL",
              help="Segment's settings JSON of the source: a file or an http(s) URL.")
@timeout_option
def compare_segment(workspace: Path, source_id: str, location: str, timeout: float) -> None:
    """Compare what bundlesmith would serve for SOURCE_ID with Segment's settings JSON (exit 1 if they differ)."""
    limits = FetchLimits(deadline=timeout, connect_timeout=min(5.0, timeout), read_timeout=min(10.0, timeout))
    found = compare_settings(workspace, source_id, location, limits)
    if not found:
        echo(f"{source_id}: equivalent: bundlesmith serves the device-mode destinations, public settings, modes "
             "and consent categories Segment serves")
        sys.exit(0)
    echo(f"{source_id}: {len(found)} differences (destination | setting | Segment | bundlesmith):")
    for difference in found:
        echo(str(difference))
    sys.exit(1)
