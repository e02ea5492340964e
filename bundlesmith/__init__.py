"""bundlesmith's programs, the top floor of the house: the CLI, the service, the preview and the workers.

They compose the floors below and nothing below imports them:

    bundlesmith/  cli, terminal, loopback, http_thread, watch; serve/, preview/, workers/
    publish/      targets and their state: stores, plan, manifest, publisher, versions, cache policy, CloudFront
    builder/      the pipeline: workspace files → config → rules → settings and bundle bytes

`python -m bundlesmith` runs the CLI. The contracts that keep these floors apart are `[tool.importlinter]` in
pyproject.toml, checked by `make test`.
"""
from __future__ import annotations

from builder import __version__

__all__ = ["__version__"]
