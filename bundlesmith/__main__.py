"""`python -m bundlesmith`: the `bundlesmith` command line."""
from __future__ import annotations

from bundlesmith.cli import run

if __name__ == "__main__":
    run()
