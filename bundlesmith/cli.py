"""The `bundlesmith` command line: the group, its error handling and `run()`; the commands live in
`bundlesmith/commands/`, one module per program, and are added here. Each composes the pipeline's public functions;
none renders itself.

    bundlesmith validate WORKSPACE          every problem of every file, at once (exit 1 if any)
    bundlesmith build WORKSPACE [--out DIR] build every source into a directory laid out like the CDN
    bundlesmith catalog [--json]            the destinations bundlesmith knows
    bundlesmith snippet WORKSPACE SOURCE_ID the HTML install snippet of a web source
    bundlesmith schema [workspace|source]   JSON Schema of the workspace files, for editors
    bundlesmith preview WORKSPACE           QA preview of the draft config: test pages, inspector, collector
    bundlesmith serve WORKSPACE [--env E]   watch, rebuild and publish what changes; admin API on 127.0.0.1:8585
    bundlesmith rebuild [SOURCE_ID]         ask a running service to rebuild (token: BUNDLESMITH_ADMIN_TOKEN)
    bundlesmith plan|publish|status WORKSPACE --env E    what a publish would do, do it, what the target serves
    bundlesmith rollback WORKSPACE SOURCE_ID --env E     serve an earlier build of one source again
    bundlesmith enqueue WORKSPACE --queue Q --snapshots S / worker --queue Q --env E   scale out through SQS
    bundlesmith import segment WORKSPACE --settings F / compare segment WORKSPACE SOURCE_ID --settings F   from Segment

Errors print as messages, never tracebacks: exit 1 for invalid input, 2 for usage errors.
"""
from __future__ import annotations

import gc
import logging
import sys

import click

from builder import __version__
from builder.errors import BundlesmithError, UsageError
from bundlesmith.commands import pipeline, preview, publishing, segment, service, workers
from bundlesmith.commands.common import echo
from bundlesmith.terminal import EscapingFormatter

# A command's program (publish targets: botocore; serve: FastAPI, uvicorn, watchdog; preview: watchdog; workers:
# boto3) is imported inside that command, so `bundlesmith validate` does not pay for the others: start-up time only,
# no cycle (the command modules never import this one).

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


class _Group(click.Group):
    """Print BundlesmithError messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            echo(f"error: {exc}", err=True)
            sys.exit(2)
        except BundlesmithError as exc:
            echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="bundlesmith")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
def main(verbose: bool) -> None:
    """Build and publish Segment-compatible settings and device-mode analytics bundles."""
    handler = logging.StreamHandler()
    handler.setFormatter(EscapingFormatter(LOG_FORMAT))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


for _command in (
    pipeline.validate, pipeline.build, pipeline.catalog_command, pipeline.snippet, pipeline.schema,
    preview.preview,
    publishing.plan_command, publishing.publish_command, publishing.rollback_command, publishing.status_command,
    service.serve, service.rebuild,
    workers.enqueue_command, workers.worker_command,
    segment.import_group, segment.compare_group,
):
    main.add_command(_command)


def run() -> None:
    """Run the command line as the `bundlesmith` console script does, then exit without a final collection.

    A large build leaves millions of objects that live until exit; the interpreter's last full garbage
    collection over them costs more than a second and frees nothing the operating system would not.
    """
    try:
        main()
    finally:
        gc.freeze()
