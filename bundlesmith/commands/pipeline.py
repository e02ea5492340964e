"""The pipeline's commands: validate, build, catalog, snippet, schema. Each composes `builder/`; `build` writes
through the local target of `publish/`, as `publish --env local` would."""
from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

import click

from builder.assets import Assets
from builder.build import Builder
from builder.catalog import load_catalog
from builder.errors import ConfigError, UsageError
from builder.models import WorkspaceFile, json_schema
from builder.changed import PARALLEL_THRESHOLD, ChangedRun, load_changed, with_inputs
from builder.parallel import build_parallel
from builder.problems import format_problems
from builder.rules import settings_to_fill_in
from builder.snippet import render_snippet
from builder.workspace import load_workspace_file
from bundlesmith.commands.common import echo, load, workspace_arg
from bundlesmith.progress import progress_for
from publish.local import LocalReport, LocalTarget


@click.command()
@workspace_arg
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate(workspace: Path, as_json: bool) -> None:
    """Check every file of WORKSPACE and report all problems at once."""
    catalog, loaded = load(workspace)
    problems = loaded.all_problems()
    if as_json:
        echo(json.dumps([p.as_dict() for p in problems], indent=2))
    elif problems:
        echo(format_problems(problems), err=True)
    else:
        echo(f"{workspace}: workspace.yaml and {len(loaded.sources)} source files are valid")
    if not as_json:
        for note in _settings_to_fill_in(loaded, catalog):
            echo(note, err=True)
    sys.exit(1 if problems else 0)


def _settings_to_fill_in(loaded: Any, catalog: Any) -> list[str]:
    """Return a note per required setting a disabled instance lacks (it cannot be enabled without it)."""
    return [f"note: {source.file}: destinations[{index}].settings.{key}: {name} needs it before this disabled "
            "instance can be enabled" for source in loaded.sources if source.source is not None
            for index, name, key in settings_to_fill_in(source.source, catalog)]


@click.command()
@workspace_arg
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (default: the workspace's `local` target).")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the cores",
              help="Worker processes for large workspaces.")
@click.option("--rebuild", is_flag=True,
              help="Build every source, even those whose inputs are unchanged, and check every file of the "
                   "directory against its state (repairs files edited or deleted by hand).")
@click.option("--json", "as_json", is_flag=True, help="Print what was built as JSON (and no progress line).")
def build(workspace: Path, out: Path | None, jobs: int, rebuild: bool, as_json: bool) -> None:
    """Build the sources of WORKSPACE into a directory laid out like the CDN.

    A source whose inputs (its file, workspace.yaml, the catalog, the templates and adapters it uses, the version)
    are those of the build the directory serves is not built again; --rebuild builds every source and verifies."""
    config, problems = load_workspace_file(workspace)
    if config is None:
        raise ConfigError(problems)
    out = out or _local_target_dir(workspace, config)
    target = LocalTarget(out, retention=config.retention, verify=rebuild)  # a publish to the directory
    served = target.served_inputs(config.cache)
    with progress_for("loading", as_json=as_json) as loading:
        run = load_changed(workspace, config, load_catalog, served, jobs=jobs, reuse=not rebuild,
                           progress=loading.update)
    loaded, keep = run.workspace, run.ids()
    if loaded.sources or served.keys() - keep:
        with progress_for("building", as_json=as_json) as building:
            report = _build_and_publish(Builder(run.catalog, Assets.load()), run, target, jobs, building)
    else:
        report = LocalReport()  # nothing to build, nothing leaving: the directory is left as it is
    report.up_to_date = sorted(fact.source_id for fact in run.unchanged.values())
    run.save(set(report.built) - {r.source_id for r in report.not_written})
    if as_json:
        echo(json.dumps(_build_summary(out, report), indent=2, sort_keys=True))
    else:
        _print_build_report(out, report)
    sys.exit(1 if not report.ok else 0)


def _build_and_publish(builder: Builder, run: ChangedRun, target: LocalTarget, jobs: int,
                       building: Any) -> LocalReport:
    """Build the loaded sources and publish them to the directory, keeping the unchanged ones as they are."""
    loaded, cache, keep = run.workspace, run.workspace.valid_config().cache, run.ids()
    total = len(loaded.sources)
    if jobs > 1 and total >= PARALLEL_THRESHOLD:  # each worker publishes the sources it builds
        publish_run = target.begin(cache, keep_only=keep)
        done = build_parallel(builder, loaded, jobs,
                              after=partial(_publish_built, target, publish_run, run.inputs_by_file()))
        return target.finish(publish_run, building.wrap(done, total=total))
    return target.apply(building.wrap(run.build_all(builder), total=total), cache, keep_only=keep)


def _publish_built(target: LocalTarget, publish_run: Any, inputs: dict[str, str], outcome: Any) -> Any:
    """Publish one built source with the inputs it was built from (in a worker process)."""
    return target.publish_built(publish_run, with_inputs(outcome, inputs))


def _print_build_report(out: Path, report: Any) -> None:
    """Print what a build did: failures and warnings on stderr, the one-line summary on stdout."""
    for failure in report.failed:
        echo(f"FAILED {failure.source_id or failure.file}", err=True)
    for result in report.not_written:
        echo(f"FAILED {result.source_id}: {result.error}; its previous files are untouched", err=True)
    if report.failed:
        echo(format_problems(report.problems()), err=True)
    for key, rule in report.refused:
        echo(f"warning: a state under {out}/.bundlesmith/ names {key!r}, which was refused and not touched: {rule}",
             err=True)
    refused = f", {len(report.refused)} refused (see the warnings)" if report.refused else ""
    up_to_date = f", {len(report.up_to_date)} up to date" if report.up_to_date else ""
    echo(f"{out}: {len(report.built)} sources built{up_to_date}, {len(report.failed)} failed; "
         f"{len(report.written)} files written, {len(report.unchanged)} unchanged, {len(report.removed)} removed"
         f"{refused}")


def _build_summary(out: Path, report: Any) -> dict[str, Any]:
    """Return what a build did as JSON-ready data (`build --json`)."""
    return {
        "out": str(out),
        "ok": report.ok,
        "built": report.built,
        "failed": [{"file": f.file, "source_id": f.source_id} for f in report.failed],
        "not_written": [{"source_id": r.source_id, "error": str(r.error)} for r in report.not_written],
        "problems": [p.as_dict() for p in report.problems()],
        "written": len(report.written),
        "unchanged": len(report.unchanged),
        "removed": len(report.removed),
        "refused": [{"key": key, "rule": rule} for key, rule in report.refused],
        "up_to_date": report.up_to_date,
    }


def _local_target_dir(workspace: Path, config: WorkspaceFile) -> Path:
    target = config.targets.get("local")
    if target is None:
        raise UsageError("the workspace has no `local` target; pass --out DIR")
    folder = target.local_dir(workspace)
    if folder is None:
        raise UsageError(f"the `local` target is {target.url!r}, not a directory; pass --out DIR")
    return folder


@click.command(name="catalog")
@click.option("--json", "as_json", is_flag=True, help="Print the full catalog as JSON.")
def catalog_command(as_json: bool) -> None:
    """List the destinations bundlesmith knows, with their modes."""
    catalog = load_catalog()
    if as_json:
        echo(json.dumps(catalog.as_data(), indent=2, sort_keys=True))
        return
    width = max(len(d.name) for d in catalog.destinations)
    for d in sorted(catalog.destinations, key=lambda d: d.name.lower()):
        flags = ["multi-instance"] * d.multi_instance + ["data lake"] * d.data_lake
        echo(f"{d.name:<{width}}  {'+'.join(d.modes):<12}  {', '.join(flags)}".rstrip())


@click.command()
@workspace_arg
@click.argument("source_id")
@click.option("--no-page", is_flag=True, help="Leave out the initial analytics.page() call.")
def snippet(workspace: Path, source_id: str, no_page: bool) -> None:
    """Print the HTML install snippet of web source SOURCE_ID."""
    _, loaded = load(workspace)
    config = loaded.valid_config()
    entry = loaded.find(source_id)
    if entry is None or entry.source is None:
        raise UsageError(f"no source with id '{source_id}' in {workspace}")
    if entry.source.type != "web":
        raise UsageError(f"source '{source_id}' is a {entry.source.type} source; only web sources load a snippet")
    echo(render_snippet(config.cdn.base_url, entry.source.write_key, Assets.load(), page=not no_page))


@click.command()
@click.argument("kind", type=click.Choice(["workspace", "source", "all"]), default="all")
def schema(kind: str) -> None:
    """Print the JSON Schema of workspace.yaml, of a source file, or both."""
    names = load_catalog().names()
    if kind == "all":
        document = {"workspace": json_schema("workspace"), "source": json_schema("source", names)}
    else:
        document = json_schema(kind, names)  # type: ignore[arg-type]
    echo(json.dumps(document, indent=2, sort_keys=True))
