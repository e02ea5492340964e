"""The service's commands: `serve` (watch, rebuild and publish; the admin API) and `rebuild`, its API's client."""
from __future__ import annotations

import os
import secrets
import signal
import threading
from pathlib import Path
from typing import Any

import click

from builder.errors import UsageError
from bundlesmith.commands.common import echo, workspace_arg
from bundlesmith.loopback import is_loopback


@click.command()
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
        echo(f"serving {workspace} -> {where['env']} ({where['url']}); admin API {server.url}/  "
             f"(status: {server.url}/api/v1/sources, OpenAPI: {server.url}/docs); Ctrl-C stops")
        if generated:
            echo(f"admin token for this run (set {TOKEN_ENV} to choose one): {token}")
        if host in ("0.0.0.0", "::") and not api_hosts:
            echo("the admin API answers only to loopback Host names: add the names clients use with --allowed-host")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        echo("stopping: finishing the current publish")


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


@click.command()
@click.argument("source_id", required=False)
@click.option("--server", default="http://127.0.0.1:8585", show_default=True, help="URL of `bundlesmith serve`.")
def rebuild(source_id: str | None, server: str) -> None:
    """Ask a running `bundlesmith serve` to rebuild SOURCE_ID (or every source) and publish it."""
    from bundlesmith.serve.admin_client import TOKEN_ENV, AdminClient

    answer = AdminClient(server, os.environ.get(TOKEN_ENV)).rebuild(source_id)
    echo(f"queued for rebuilding: {', '.join(answer.get('queued', [])) or 'nothing'}")
