"""The workspace models: where a target's folder is (the one resolver of a target URL to a local folder)."""
from __future__ import annotations

from pathlib import Path

import pytest

from builder.models import TargetConfig


@pytest.mark.parametrize("url, folder", [
    ("file://public", "/ws/public"),
    ("public", "/ws/public"),
    ("file:///srv/cdn", "/srv/cdn"),
    ("/srv/cdn", "/srv/cdn"),
    ("out/site", "/ws/out/site"),
    ("s3://bucket/prefix", None),
])
def test_a_local_target_resolves_against_the_workspace_and_a_bucket_has_no_folder(url, folder):
    found = TargetConfig(url=url).local_dir(Path("/ws"))
    assert found == (Path(folder) if folder else None)
