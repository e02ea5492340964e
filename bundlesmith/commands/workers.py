"""Scaling out: `enqueue` snapshots a workspace and sends its changes to SQS; `worker` builds and publishes them."""
from __future__ import annotations

import signal
import tempfile
import threading
from pathlib import Path

import click

from bundlesmith.commands.common import echo, workspace_arg
from bundlesmith.progress import progress_for

queue_option = click.option("--queue", "queue_url", required=True, metavar="QUEUE_URL", help="The SQS queue URL.")


@click.command(name="enqueue")
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
    with progress_for("loading") as loading:  # a line on a terminal only (progress_wanted)
        version, ids = enqueue_changes(workspace, list(source_ids) or None, open_queue(queue_url), store,
                                       progress=loading.update)
    echo(f"version {version.number} ({version.content_hash[:12]}): {len(ids)} messages sent to {queue_url}")


@click.command(name="worker")
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
        echo(f"worker {worker.name}: consuming {queue_url} for target '{env}' (SIGTERM stops)", err=True)
        try:
            handled = worker.run(stop)
        except KeyboardInterrupt:
            handled = len(worker.results)
    echo(f"worker {worker.name} stopped after {handled} messages", err=True)
