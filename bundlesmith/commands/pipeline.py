"""The pipeline's commands: validate, build, catalog, snippet, schema. Each composes `builder/`; `build` writes
through the local target of `publish/`, as `publish --env local` would."""
from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path

import click

from builder.assets import Assets
from builder.build import Builder
from builder.catalog import load_catalog
from builder.errors import UsageError
from builder.models import WorkspaceFile, json_schema
from builder.parallel import build_parallel, load_workspace_parallel
from builder.problems import format_problems
from builder.snippet import render_snippet
from builder.workspace import load_workspace, source_paths
from bundlesmith.commands.common import echo, load, workspace_arg

PARALLEL_THRESHOLD = 200  # below this many source files, forking workers costs more than it saves


@click.command()
@workspace_arg
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate(workspace: Path, as_json: bool) -> None:
    """Check every file of WORKSPACE and report all problems at once."""
    _, loaded = load(workspace)
    problems = loaded.all_problems()
    if as_json:
        echo(json.dumps([p.as_dict() for p in problems], indent=2))
    elif problems:
        echo(format_problems(problems), err=True)
    else:
        echo(f"{workspace}: workspace.yaml and {len(loaded.sources)} source files are valid")
    sys.exit(1 if problems else 0)


@click.command()
@workspace_arg
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (default: the workspace's `local` target).")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="the cores",
              help="Worker processes for large workspaces.")
def build(workspace: Path, out: Path | None, jobs: int) -> None:
    """Build every source of WORKSPACE into a directory laid out like the CDN."""
    from publish.local import LocalTarget

    catalog = load_catalog()
    parallel = jobs > 1 and len(source_paths(workspace)) >= PARALLEL_THRESHOLD
    loaded = load_workspace_parallel(workspace, catalog, jobs) if parallel else load_workspace(workspace, catalog)
    config = loaded.valid_config()
    out = out or _local_target_dir(workspace, config)
    builder, cache = Builder(catalog, Assets.load()), config.cache
    target = LocalTarget(out, retention=config.retention)  # a publish to the directory, as --env local
    keep = loaded.source_ids()
    if parallel:  # each worker publishes the sources it builds; what they did is recorded here
        run = target.begin(cache, keep_only=keep)
        report = target.finish(run, build_parallel(builder, loaded, jobs, after=partial(target.publish_built, run)))
    else:
        report = target.apply(builder.build_all(loaded), cache, keep_only=keep)
    for failure in report.failed:
        echo(f"FAILED {failure.source_id or failure.file}", err=True)
    for result in report.not_written:
        echo(f"FAILED {result.source_id}: {result.error}; its previous files are untouched", err=True)
    if report.failed:
        echo(format_problems(report.problems()), err=True)
    for key, rule in report.refused:
        echo(f"warning: {out}/.bundlesmith/manifest.json names {key!r}, which was refused and not touched: {rule}",
             err=True)
    refused = f", {len(report.refused)} refused (see the warnings)" if report.refused else ""
    echo(f"{out}: {len(report.built)} sources built, {len(report.failed)} failed; "
         f"{len(report.written)} files written, {len(report.unchanged)} unchanged, {len(report.removed)} removed"
         f"{refused}")
    sys.exit(1 if not report.ok else 0)


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
