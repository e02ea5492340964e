"""`bundlesmith preview`: build a workspace's draft config (nothing is published) and serve it for QA."""
from __future__ import annotations

import threading
from pathlib import Path

import click

from builder.errors import UsageError
from bundlesmith.commands.common import echo, workspace_arg
from bundlesmith.loopback import is_loopback


@click.command()
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
        echo(f"warning: the preview listens on {host}: other machines can load its pages and post to its "
             f"collector", err=True)
    try:
        with open_preview(workspace, host=host, port=port, vendor_stubs=vendor_stubs,
                          simulate_cache=simulate_cache, time_scale=time_scale, expose=expose) as running:
            status = running.site.status()
            echo(f"preview of {workspace}: {running.url}/  (build {status.build_id}, "
                 f"{len(status.problems)} problems; rebuilds on change; Ctrl-C stops)")
            threading.Event().wait()
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        echo("preview stopped")
