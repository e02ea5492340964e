"""Benchmark: sources per second through SQS with 1, 2 and 4 `bundlesmith worker` processes (threaded moto server).

    .venv/bin/python bench/workers.py [--sources 200] [--batch 10] [--workers 1 2 4]

For each worker count: a fresh bucket and queue, the synthetic workspace of bench/build_scale.py (5 device-mode and
5 cloud-mode destinations per source), one snapshot, `--batch` sources per message; the workers are started first
(their start-up is not timed), then the clock runs from the first message sent to the queue being empty. moto runs
in this process on 127.0.0.1 and shares the machine's cores with the workers, so the figures are a floor for S3 and
SQS proper, where requests wait on the network instead of on the CPU.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.build_scale import write_sources  # noqa: E402

WORKER_CMD = [sys.executable, "-c", "from bundlesmith.cli import main; main()"]


def _queued(sqs, url: str) -> int:
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return sum(int(v) for v in found.values())


def _run(endpoint: str, work: Path, sources: int, batch: int, count: int) -> float:
    import boto3
    import requests

    from bundlesmith.workers.producer import enqueue_changes
    from bundlesmith.workers.queue import ChangeQueue, create_queues
    from bundlesmith.workers.snapshots import S3SnapshotStore
    from publish.aws import NO_BOTOCORE_RETRIES

    requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    s3 = boto3.client("s3", endpoint_url=endpoint, config=NO_BOTOCORE_RETRIES)
    sqs = boto3.client("sqs", endpoint_url=endpoint, config=NO_BOTOCORE_RETRIES)
    s3.create_bucket(Bucket="bench")
    url, _ = create_queues(sqs, "bench-changes", visibility=60)
    root = work / f"ws{count}"
    write_sources(root, sources)
    with (root / "workspace.yaml").open("a") as f:
        f.write(f"targets:\n  prod: {{url: 's3://bench/cdn', region: us-east-1, endpoint_url: '{endpoint}'}}\n")
    logs = [(work / f"worker{count}-{n}.log").open("wb") for n in range(count)]
    workers = [subprocess.Popen(WORKER_CMD + ["worker", "--queue", url, "--env", "prod", "--wait", "1"],
                                stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ)) for log in logs]
    try:
        threading.Event().wait(3)  # let them import and start polling
        started = time.perf_counter()
        enqueue_changes(root, None, ChangeQueue(sqs, url), S3SnapshotStore(s3, "bench", "cdn"), batch=batch)
        while _queued(sqs, url):
            threading.Event().wait(0.1)
        return time.perf_counter() - started
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker, log in zip(workers, logs):
            worker.wait(timeout=120)
            log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--batch", type=int, default=10, help="sources per message")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(name, value)
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bundlesmith-workers-bench-"))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        print(f"{args.sources} sources, {args.batch} per message, {os.cpu_count()} cores")
        for count in args.workers:
            elapsed = _run(endpoint, work, args.sources, args.batch, count)
            print(f"{count} worker{'s' if count > 1 else ' '}: {elapsed:6.1f} s, {args.sources / elapsed:6.1f} sources/s")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
