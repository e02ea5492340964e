"""What every command shares: printing user text safely, the WORKSPACE argument and `--env`, loading a workspace."""
from __future__ import annotations

from pathlib import Path

import click

from builder.catalog import Catalog, load_catalog
from builder.workspace import Progress, Workspace, load_workspace
from bundlesmith.terminal import escape_controls

workspace_arg = click.argument("workspace", type=click.Path(exists=True, file_okay=False, path_type=Path))


def echo(text: str = "", err: bool = False) -> None:
    """Print one message; control characters and bidi overrides from user text are shown as escapes."""
    click.echo(escape_controls(str(text)), err=err)


def load(workspace: Path, progress: Progress | None = None) -> tuple[Catalog, Workspace]:
    """Load the catalog and every file of `workspace` (`progress` hears files done / files in all)."""
    catalog = load_catalog()
    return catalog, load_workspace(workspace, catalog, progress=progress)
