"""The user-facing exceptions; the CLI prints their message (never a traceback) and exits non-zero.

    BundlesmithError
     ├── ConfigError     the workspace cannot be loaded at all (carries every Problem found)
     ├── CatalogError    the destination catalog or an adapter is broken
     └── UsageError      a command was asked for something that does not exist (unknown source, target, ...)
"""
from __future__ import annotations

from collections.abc import Sequence

from builder.problems import Problem, format_problems


class BundlesmithError(Exception):
    """Base class of every error bundlesmith reports to a user."""


class ConfigError(BundlesmithError):
    """The workspace configuration is invalid; `problems` lists every violation found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(format_problems(self.problems))


class CatalogError(BundlesmithError):
    """The destination catalog or one of its adapters is unusable."""


class UsageError(BundlesmithError):
    """The command names something that does not exist or cannot be done."""
