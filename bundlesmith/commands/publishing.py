"""Publishing commands: plan, publish, rollback, status. `publish/` takes finished builds; nothing here renders."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from builder.assets import Assets
from builder.build import Builder
from builder.catalog import load_catalog
from builder.changed import ChangedRun, load_changed
from builder.errors import ConfigError
from builder.workspace import load_workspace_file
from bundlesmith.commands.common import echo, load, workspace_arg
from bundlesmith.progress import progress_for
from publish.report import SourceResult, format_plan, format_report, format_status

env_option = click.option("--env", required=True, help="The target named under `targets:` in workspace.yaml.")


def _build_for_publish(workspace: Path) -> tuple[Any, list[Any], set[str]]:
    """Load and build every source; return the config, the outcomes and the ids of the sources that exist."""
    with progress_for("loading") as loading:  # a line on a terminal only (progress_wanted)
        catalog, loaded = load(workspace, progress=loading.update)
    config = loaded.valid_config()
    with progress_for("building") as building:
        outcomes = list(building.wrap(Builder(catalog, Assets.load()).build_all(loaded), len(loaded.sources)))
    return config, outcomes, loaded.source_ids()


def _build_changed(workspace: Path, config: Any, target: Any, reuse: bool) -> tuple[ChangedRun, list[Any]]:
    """Load and build the sources whose inputs differ from what `target` serves (every source without `reuse`);
    return the run (the ids of every source, the facts to record) and the outcomes, each with its inputs."""
    with progress_for("loading") as loading:  # the listing is the one the publish then starts from
        run = load_changed(workspace, config, load_catalog, target.served_inputs(), reuse=reuse,
                           progress=loading.update)
    with progress_for("building") as building:
        outcomes = list(building.wrap(run.build_all(Builder(run.catalog, Assets.load())), len(run.workspace.sources)))
    return run, outcomes


def _open(workspace: Path, config: Any, env: str) -> Any:
    from publish.targets import open_target

    return open_target(workspace, config, env)


verify_option = click.option("--verify", is_flag=True, help="Also list the whole target and read every source's "
                             "state, to catch drift (files edited or deleted by hand).")


@click.command(name="plan")
@workspace_arg
@env_option
@verify_option
def plan_command(workspace: Path, env: str, verify: bool) -> None:
    """Show what publishing WORKSPACE to --env would add, update, delete and leave unchanged, per source."""
    config, outcomes, keep = _build_for_publish(workspace)
    echo(format_plan(_open(workspace, config, env).plan(outcomes, keep_only=keep, verify=verify)))


@click.command(name="publish")
@workspace_arg
@env_option
@click.option("--invalidate", is_flag=True, help="Invalidate exactly the changed entry paths on CloudFront.")
@verify_option
def publish_command(workspace: Path, env: str, invalidate: bool, verify: bool) -> None:
    """Build WORKSPACE and publish what changed to --env (exit 3 if a source could not be published).

    A source whose inputs are those of the build the target serves is not built again (counted unchanged);
    --verify builds every source."""
    config, problems = load_workspace_file(workspace)
    if config is None:
        raise ConfigError(problems)
    target = _open(workspace, config, env)
    run, outcomes = _build_changed(workspace, config, target, reuse=not verify)
    report = target.publish(outcomes, invalidate=invalidate, keep_only=run.ids(), verify=verify)
    run.save({r.source_id for r in report.results if r.status in ("published", "unchanged")})
    report.results += [SourceResult(fact.source_id, "unchanged") for fact in run.unchanged.values()]
    echo(format_report(report))
    sys.exit(3 if report.failed else 1 if report.not_built else 0)


@click.command(name="rollback")
@workspace_arg
@click.argument("source_id")
@env_option
@click.option("--to", "to", metavar="BUILD_ID", help="The build to serve again (default: the previous one).")
@click.option("--invalidate", is_flag=True, help="Invalidate the rolled-back entry paths on CloudFront.")
def rollback_command(workspace: Path, source_id: str, env: str, to: str | None, invalidate: bool) -> None:
    """Serve an earlier build of SOURCE_ID on --env again."""
    _, loaded = load(workspace)
    report = _open(workspace, loaded.valid_config(), env).rollback(source_id, to, invalidate=invalidate)
    echo(format_report(report))


@click.command(name="status")
@workspace_arg
@env_option
def status_command(workspace: Path, env: str) -> None:
    """Show, per source, what --env serves and when it is visible everywhere."""
    _, loaded = load(workspace)
    echo(format_status(_open(workspace, loaded.valid_config(), env).status(), time.time()))
