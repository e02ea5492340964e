"""The `bundlesmith` command line. Each command composes the pipeline's public functions; none renders itself.

    bundlesmith validate WORKSPACE          every problem of every file, at once (exit 1 if any)
    bundlesmith build WORKSPACE [--out DIR] build every source into a directory laid out like the CDN
    bundlesmith catalog [--json]            the destinations bundlesmith knows
    bundlesmith snippet WORKSPACE SOURCE_ID the HTML install snippet of a web source
    bundlesmith schema [workspace|source]   JSON Schema of the workspace files, for editors
    bundlesmith preview WORKSPACE           QA preview of the draft config: test pages, inspector, collector
    bundlesmith serve WORKSPACE [--env E]   watch, rebuild and publish what changes; admin API on 127.0.0.1:8585
    bundlesmith rebuild [SOURCE_ID]         ask a running service to rebuild (token: BUNDLESMITH_ADMIN_TOKEN)

Errors print as messages, never tracebacks: exit 1 for invalid input, 2 for usage errors.
"""
from __future__ import annotations

import gc
import json
import logging
import os
import secrets
import signal
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import click

from builder import __version__
from builder.assets import Assets
from builder.build import Builder
from builder.catalog import Catalog, load_catalog
from builder.errors import BundlesmithError, UsageError
from builder.models import WorkspaceFile, json_schema
from builder.parallel import build_parallel, load_workspace_parallel
from builder.problems import format_problems
from builder.snippet import render_snippet
from builder.workspace import Workspace, load_workspace, source_paths
from bundlesmith.loopback import is_loopback
from bundlesmith.terminal import EscapingFormatter, escape_controls
from publish.report import format_plan, format_report, format_status

# A command's program (publish targets: botocore; serve: FastAPI, uvicorn, watchdog; preview: watchdog; workers:
# boto3) is imported inside that command, so `bundlesmith validate` does not pay for the others: start-up time only,
# no cycle (this module is the top of the house).


PARALLEL_THRESHOLD = 200  # below this many source files, forking workers costs more than it saves
LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def _echo(text: str = "", err: bool = False) -> None:
    """Print one message; control characters and bidi overrides from user text are shown as escapes."""
    click.echo(escape_controls(str(text)), err=err)


class _Group(click.Group):
    """Print BundlesmithError messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _echo(f"error: {exc}", err=True)
            sys.exit(2)
        except BundlesmithError as exc:
            _echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="bundlesmith")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
def main(verbose: bool) -> None:
    """Build and publish Segment-compatible settings and device-mode analytics bundles."""
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter(LOG_FORMAT))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


def run() -> None:
    """Run the command line as the `bundlesmith` console script does, then exit without a final collection.

    A large build leaves millions of objects that live until exit; the interpreter's last full garbage
    collection over them costs more than a second and frees nothing the operating system would not.
    """
    try:
        main()
    finally:
        gc.freeze()


workspace_arg = click.argument("workspace", type=click.Path(exists=True, file_okay=False, path_type=Path))


def _load(workspace: Path) -> tuple[Catalog, Workspace]:
    catalog = load_catalog()
    return catalog, load_workspace(workspace, catalog)


@main.command()
@workspace_arg
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate(workspace: Path, as_json: bool) -> None:
    """Check every file of WORKSPACE and report all problems at once."""
    _, loaded = _load(workspace)
    problems = loaded.all_problems()
    if as_json:
        _echo(json.dumps([p.as_dict() for p in problems], indent=2))
    elif problems:
        _echo(format_problems(problems), err=True)
    else:
        _echo(f"{workspace}: workspace.yaml and {len(loaded.sources)} source files are valid")
    sys.exit(1 if problems else 0)


@main.command()
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
        _echo(f"FAILED {failure.source_id or failure.file}", err=True)
    for result in report.not_written:
        _echo(f"FAILED {result.source_id}: {result.error}; its previous files are untouched", err=True)
    if report.failed:
        _echo(format_problems(report.problems()), err=True)
    for key, rule in report.refused:
        _echo(f"warning: {out}/.bundlesmith/manifest.json names {key!r}, which was refused and not touched: {rule}",
              err=True)
    refused = f", {len(report.refused)} refused (see the warnings)" if report.refused else ""
    _echo(f"{out}: {len(report.built)} sources built, {len(report.failed)} failed; "
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


@main.command(name="catalog")
@click.option("--json", "as_json", is_flag=True, help="Print the full catalog as JSON.")
def catalog_command(as_json: bool) -> None:
    """List the destinations bundlesmith knows, with their modes."""
    catalog = load_catalog()
    if as_json:
        _echo(json.dumps(catalog.as_data(), indent=2, sort_keys=True))
        return
    width = max(len(d.name) for d in catalog.destinations)
    for d in sorted(catalog.destinations, key=lambda d: d.name.lower()):
        flags = ["multi-instance"] * d.multi_instance + ["data lake"] * d.data_lake
        _echo(f"{d.name:<{width}}  {'+'.join(d.modes):<12}  {', '.join(flags)}".rstrip())


@main.command()
@workspace_arg
@click.argument("source_id")
@click.option("--no-page", is_flag=True, help="Leave out the initial analytics.page() call.")
def snippet(workspace: Path, source_id: str, no_page: bool) -> None:
    """Print the HTML install snippet of web source SOURCE_ID."""
    _, loaded = _load(workspace)
    config = loaded.valid_config()
    entry = loaded.find(source_id)
    if entry is None or entry.source is None:
        raise UsageError(f"no source with id '{source_id}' in {workspace}")
    if entry.source.type != "web":
        raise UsageError(f"source '{source_id}' is a {entry.source.type} source; only web sources load a snippet")
    _echo(render_snippet(config.cdn.base_url, entry.source.write_key, Assets.load(), page=not no_page))


@main.command()
@click.argument("kind", type=click.Choice(["workspace", "source", "all"]), default="all")
def schema(kind: str) -> None:
    """Print the JSON Schema of workspace.yaml, of a source file, or both."""
    names = load_catalog().names()
    if kind == "all":
        document = {"workspace": json_schema("workspace"), "source": json_schema("source", names)}
    else:
        document = json_schema(kind, names)  # type: ignore[arg-type]
    _echo(json.dumps(document, indent=2, sort_keys=True))


@main.command()
@workspace_arg
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback only, unless --expose).")
@click.option("--expose", is_flag=True,
              help="Allow a --host other machines can reach (they can then read and fill the collector).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--vendor-stubs", is_flag=True, help="Answer vendor SDK URLs with local recording stubs (offline).")
@click.option("--simulate-cache", is_flag=True, help="Serve through modelled edge and browser caches.")
@click.option("--time-scale", type=click.FloatRange(min=0, min_open=True), default=60.0, show_default=True,
              help="With --simulate-cache: modelled seconds per real second.")
def preview(workspace: Path, host: str, expose: bool, port: int, vendor_stubs: bool, simulate_cache: bool,
            time_scale: float) -> None:
    """Build WORKSPACE's draft config (nothing is published) and serve it with test pages and an inspector."""
    from bundlesmith.preview.preview import check_listen_host, open_preview

    check_listen_host(host, expose)
    if not is_loopback(host):
        _echo(f"warning: the preview listens on {host}: other machines can load its pages and post to its "
              f"collector", err=True)
    try:
        with open_preview(workspace, host=host, port=port, vendor_stubs=vendor_stubs,
                          simulate_cache=simulate_cache, time_scale=time_scale, expose=expose) as running:
            status = running.site.status()
            _echo(f"preview of {workspace}: {running.url}/  (build {status.build_id}, "
                       f"{len(status.problems)} problems; rebuilds on change; Ctrl-C stops)")
            threading.Event().wait()
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        _echo("preview stopped")


# --- publishing: plan, publish, rollback, status (publish/ takes finished builds; nothing here renders) ----------

env_option = click.option("--env", required=True, help="The target named under `targets:` in workspace.yaml.")


def _build_for_publish(workspace: Path) -> tuple[Any, list[Any], set[str]]:
    """Load and build every source; return the config, the outcomes and the ids of the sources that exist."""
    catalog, loaded = _load(workspace)
    config = loaded.valid_config()
    outcomes = list(Builder(catalog, Assets.load()).build_all(loaded))
    return config, outcomes, loaded.source_ids()


def _open(workspace: Path, config: Any, env: str) -> Any:
    from publish.targets import open_target

    return open_target(workspace, config, env)


@main.command(name="plan")
@workspace_arg
@env_option
def plan_command(workspace: Path, env: str) -> None:
    """Show what publishing WORKSPACE to --env would add, update, delete and leave unchanged, per source."""
    config, outcomes, keep = _build_for_publish(workspace)
    _echo(format_plan(_open(workspace, config, env).plan(outcomes, keep_only=keep)))


@main.command(name="publish")
@workspace_arg
@env_option
@click.option("--invalidate", is_flag=True, help="Invalidate exactly the changed entry paths on CloudFront.")
def publish_command(workspace: Path, env: str, invalidate: bool) -> None:
    """Build WORKSPACE and publish what changed to --env (exit 3 if a source could not be published)."""
    config, outcomes, keep = _build_for_publish(workspace)
    report = _open(workspace, config, env).publish(outcomes, invalidate=invalidate, keep_only=keep)
    _echo(format_report(report))
    sys.exit(3 if report.failed else 1 if report.not_built else 0)


@main.command(name="rollback")
@workspace_arg
@click.argument("source_id")
@env_option
@click.option("--to", "to", metavar="BUILD_ID", help="The build to serve again (default: the previous one).")
@click.option("--invalidate", is_flag=True, help="Invalidate the rolled-back entry paths on CloudFront.")
def rollback_command(workspace: Path, source_id: str, env: str, to: str | None, invalidate: bool) -> None:
    """Serve an earlier build of SOURCE_ID on --env again."""
    _, loaded = _load(workspace)
    report = _open(workspace, loaded.valid_config(), env).rollback(source_id, to, invalidate=invalidate)
    _echo(format_report(report))


@main.command(name="status")
@workspace_arg
@env_option
def status_command(workspace: Path, env: str) -> None:
    """Show, per source, what --env serves and when it is visible everywhere."""
    _, loaded = _load(workspace)
    _echo(format_status(_open(workspace, loaded.valid_config(), env).status(), time.time()))


# --- the service: serve, and its admin API's client ---------------------------------------------------------------

@main.command()
@workspace_arg
@click.option("--env", default="local", show_default=True, help="The target named under `targets:` to publish to.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address of the admin API.")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8585, show_default=True,
              help="Port of the admin API (0: any free port).")
@click.option("--allowed-host", "api_hosts", metavar="NAME", multiple=True,
              help="A Host name the admin API answers to besides loopback names and --host (repeatable); requests "
                   "naming any other host are refused (DNS rebinding guard).")
@click.option("--quiet", type=click.FloatRange(min=0), default=0.25, show_default=True,
              help="Seconds without changes before a burst of edits is built.")
@click.option("--max-delay", type=click.FloatRange(min=0), default=2.0, show_default=True,
              help="Seconds after the first change of a burst by which it is built anyway.")
@click.option("--queue", "queue_url", metavar="QUEUE_URL",
              help="Enqueue changed sources for `bundlesmith worker` processes instead of publishing them here.")
@click.option("--snapshots", metavar="S3_URL_OR_DIR",
              help="With --queue: where the workspace snapshots go (private: they hold private settings).")
@click.option("--webhook-host", "webhook_hosts", multiple=True, metavar="NAME",
              help="Only post webhooks to this host (repeatable; `*.example.com` for subdomains; also "
                   "BUNDLESMITH_WEBHOOK_HOSTS=a,b). Default: any host.")
@click.option("--watch-assets", is_flag=True,
              help="Also watch bundlesmith's templates, catalog and adapters (a checkout being developed): an edit "
                   "rebuilds every source that uses the file.")
def serve(workspace: Path, env: str, host: str, port: int, quiet: float, max_delay: float, queue_url: str | None,
          snapshots: str | None, webhook_hosts: tuple[str, ...], watch_assets: bool,
          api_hosts: tuple[str, ...] = ()) -> None:
    """Watch WORKSPACE, rebuild and publish what each change affects to --env, and serve the admin API."""
    from bundlesmith.serve.admin_api import ApiServer, create_app
    from bundlesmith.serve.admin_client import TOKEN_ENV
    from bundlesmith.serve.admin_gate import allowed_hosts
    from bundlesmith.serve.service import Service

    if max_delay < quiet:
        raise UsageError(f"--max-delay ({max_delay}) must be at least --quiet ({quiet})")
    token = os.environ.get(TOKEN_ENV) or None
    if token is None and not is_loopback(host):
        raise UsageError(f"refusing to listen on {host}, which other machines can reach, without an admin token: "
                         f"set {TOKEN_ENV}")
    generated = token is None
    token = token or secrets.token_urlsafe(24)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if (queue_url is None) != (snapshots is None):
        raise UsageError("--queue and --snapshots go together: the workers read the snapshots the queue names")
    service = Service(workspace, env, quiet=quiet, max_delay=max_delay, watch_assets=watch_assets,
                      webhook_options=_webhook_options(webhook_hosts),
                      dispatch=_enqueuer(workspace, queue_url, snapshots) if queue_url and snapshots else None)
    try:  # bind first: a taken port fails before anything is published
        server = ApiServer(create_app(service, token, allowed_hosts(host, api_hosts)), host, port, token=token)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    with service, server:
        where = service.target_description()
        _echo(f"serving {workspace} -> {where['env']} ({where['url']}); admin API {server.url}/  "
                   f"(status: {server.url}/api/v1/sources, OpenAPI: {server.url}/docs); Ctrl-C stops")
        if generated:
            _echo(f"admin token for this run (set {TOKEN_ENV} to choose one): {token}")
        if host in ("0.0.0.0", "::") and not api_hosts:
            _echo("the admin API answers only to loopback Host names: add the names clients use with --allowed-host")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        _echo("stopping: finishing the current publish")


def _webhook_options(hosts: tuple[str, ...]) -> dict[str, Any]:
    """Return the service's webhook options: the hosts listeners may be on (--webhook-host, then the variable)."""
    from bundlesmith.serve.webhooks import HOSTS_ENV, parse_hosts

    allowed = parse_hosts([*hosts, os.environ.get(HOSTS_ENV, "")])
    return {"allowed_hosts": allowed} if allowed else {}


def _enqueuer(workspace: Path, queue_url: str, snapshots: str) -> Any:
    """Return the service's dispatch for --queue: snapshot the workspace and enqueue the given sources."""
    from bundlesmith.workers.producer import enqueue_changes
    from bundlesmith.workers.worker import open_queue, snapshot_store_for

    queue, store = open_queue(queue_url), snapshot_store_for(workspace, snapshots)
    return lambda source_ids: enqueue_changes(workspace, source_ids, queue, store)


@main.command()
@click.argument("source_id", required=False)
@click.option("--server", default="http://127.0.0.1:8585", show_default=True, help="URL of `bundlesmith serve`.")
def rebuild(source_id: str | None, server: str) -> None:
    """Ask a running `bundlesmith serve` to rebuild SOURCE_ID (or every source) and publish it."""
    from bundlesmith.serve.admin_client import TOKEN_ENV, AdminClient

    answer = AdminClient(server, os.environ.get(TOKEN_ENV)).rebuild(source_id)
    _echo(f"queued for rebuilding: {', '.join(answer.get('queued', [])) or 'nothing'}")


# --- scaling out: producers enqueue changes, workers build and publish them (bundlesmith/workers/) -------------

queue_option = click.option("--queue", "queue_url", required=True, metavar="QUEUE_URL", help="The SQS queue URL.")


@main.command(name="enqueue")
@workspace_arg
@click.argument("source_ids", nargs=-1)
@queue_option
@click.option("--snapshots", metavar="S3_URL_OR_DIR", required=True,
              help="Where workers read workspace snapshots from: a private s3://BUCKET/PREFIX that no CDN serves "
                   "(snapshots hold private settings), or a directory when every worker runs on this host.")
def enqueue_command(workspace: Path, source_ids: tuple[str, ...], queue_url: str, snapshots: str) -> None:
    """Snapshot WORKSPACE and enqueue SOURCE_IDS (default: every source) for the workers to build and publish."""
    from bundlesmith.workers.producer import enqueue_changes
    from bundlesmith.workers.worker import open_queue, snapshot_store_for

    store = snapshot_store_for(workspace, snapshots)
    version, ids = enqueue_changes(workspace, list(source_ids) or None, open_queue(queue_url), store)
    _echo(f"version {version.number} ({version.content_hash[:12]}): {len(ids)} messages sent to {queue_url}")


@main.command(name="worker")
@queue_option
@click.option("--env", required=True, help="The target (under `targets:` in the snapshot's workspace.yaml).")
@click.option("--workspace", "snapshots", metavar="PATH_OR_S3_URL",
              help="Only accept snapshots under this s3://BUCKET/PREFIX or directory.")
@click.option("--visibility", type=click.IntRange(min=1, max=43200), default=120, show_default=True,
              help="Seconds a message stays hidden while it is worked on (extended by the heartbeat).")
@click.option("--lease", type=click.FloatRange(min=1), default=120.0, show_default=True,
              help="Seconds a source lock lasts unless renewed (a killed worker's locks expire after this).")
@click.option("--wait", type=click.IntRange(min=0, max=20), default=20, show_default=True,
              help="Long-poll seconds per receive.")
def worker_command(queue_url: str, env: str, snapshots: str | None, visibility: int, lease: float,
                   wait: int) -> None:
    """Build and publish the changes on QUEUE_URL until SIGTERM (the message in hand is finished first)."""
    from bundlesmith.workers.worker import make_worker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with tempfile.TemporaryDirectory(prefix="bundlesmith-worker-") as work:
        worker = make_worker(queue_url, env, accept=snapshots, visibility=visibility, lease=lease, wait=wait,
                             workdir=Path(work))
        _echo(f"worker {worker.name}: consuming {queue_url} for target '{env}' (SIGTERM stops)", err=True)
        try:
            handled = worker.run(stop)
        except KeyboardInterrupt:
            handled = len(worker.results)
    _echo(f"worker {worker.name} stopped after {handled} messages", err=True)
