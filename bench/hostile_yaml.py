"""Benchmark: hostile source files cost a bounded time and memory to refuse.

    .venv/bin/python bench/hostile_yaml.py [--repeat 3]

Writes one workspace per hostile file (an alias bomb of 10 levels of 9 aliases, a 600-deep nesting, a 5,000-digit
integer, 40,000 unknown keys, the largest flat list under the node cap and one past it, a file past the size limit;
a clean one-source workspace as the baseline) and, for each, in a fresh process:

- `load_workspace` + every problem formatted (what `bundlesmith validate` does): its time in the process, the wall
  time of the whole process (interpreter start and imports included) and its peak RSS (`ru_maxrss` of the child);
- the real command, `bundlesmith validate WS`: its exit code, its first problem line and whether a traceback showed.

Target (issue 13): each under 1 s and under 100 MB RSS on a 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.hostile_yaml import HEAD, alias_bomb, deep_nesting, huge_integer, unknown_keys  # noqa: E402
from tests.support.workspaces import write_workspace  # noqa: E402

CASES = {
    "baseline (one clean source)": lambda: HEAD,
    "alias bomb (10 levels x 9 aliases)": alias_bomb,
    "600-deep nesting": deep_nesting,
    "5,000-digit integer": huge_integer,
    "40,000 unknown keys": unknown_keys,
    "99,900 values (accepted: under the cap)": lambda: HEAD + "integrations: {Mixpanel: {v: [" + "1," * 99_900 + "]}}",
    "100,001 values (past the node cap)": lambda: HEAD + "integrations: {Mixpanel: {v: [" + "1," * 100_001 + "]}}",
    "1 MiB of values (past the node cap)": lambda: HEAD + "integrations: {Mixpanel: {" + "a," * 524_200 + "}}\n",
    "1 MiB + 1 byte (refused unread)": lambda: HEAD + "#" * (1024 * 1024 - len(HEAD) + 1),
}

CHILD = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
from builder.catalog import load_catalog
from builder.problems import format_problems
from builder.workspace import load_workspace
catalog = load_catalog()
loaded = time.perf_counter()
workspace = load_workspace(Path(sys.argv[1]), catalog)
text = format_problems(workspace.all_problems())
done = time.perf_counter()
print(json.dumps({"validate_s": done - loaded, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "problems": len(workspace.all_problems())}))
"""


def measure(root: Path) -> dict[str, float]:
    """Run load_workspace + formatting in a fresh process; return its timings and peak RSS."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(root)], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=120)
    wall = time.perf_counter() - start
    return {**json.loads(out.stdout), "wall_s": wall}


def run_cli(root: Path) -> tuple[int, str, bool]:
    """Run `bundlesmith validate`; return its exit code, first output line and whether a traceback showed."""
    out = subprocess.run([sys.executable, "-c", "from bundlesmith.cli import main; main()", "validate", str(root)],
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    text = out.stdout + out.stderr
    return out.returncode, text.splitlines()[0] if text else "", "Traceback" in text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the best is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'case':42} {'bytes':>9} {'validate':>9} {'process':>9} {'peak RSS':>9}  exit  first line")
        for name, make in CASES.items():
            text = make()
            root = write_workspace(Path(tmp) / name.split(" ")[0].replace(",", ""), raw_sources={"hostile": text})
            runs = [measure(root) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["wall_s"])
            peak_mb = max(r["rss_kb"] for r in runs) / 1024
            code, first, traceback = run_cli(root)
            first = first.replace(str(root), "WS")
            print(f"{name:42} {len(text.encode()):>9,} {best['validate_s'] * 1000:>7.0f}ms "
                  f"{best['wall_s'] * 1000:>7.0f}ms {peak_mb:>7.0f}MB  {code:>4}  "
                  f"{'TRACEBACK ' if traceback else ''}{first[:110]}")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
