"""An installed wheel finds its templates and adapters: build one, install it elsewhere, build the samples."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SAMPLES


def test_installed_wheel_builds_the_samples(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
                   check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = dist.glob("bundlesmith-*.whl")
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, cwd=tmp_path)
    assert (site / "builder" / "_data" / "templates" / "runtime.js").is_file()
    assert (site / "builder" / "_data" / "destination_snippets" / "catalog.yaml").is_file()

    env = {**os.environ, "PYTHONPATH": str(site)}
    code = ("import sys, builder, builder.resources as r; from bundlesmith.cli import main;"
            "print(builder.__file__, r.templates_dir(), file=sys.stderr); main()")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", code, "build", str(SAMPLES / "acme"), "--out", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert str(site / "builder" / "__init__.py") in result.stderr
    assert str(site / "builder" / "_data" / "templates") in result.stderr
    assert (out / "analytics.js/v1/wk_storefront_2f9c/analytics.min.js").is_file()
    assert Path(out / "v1/projects/wk_backend_c7d3/settings").is_file()
