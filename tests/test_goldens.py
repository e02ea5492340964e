"""Building the samples gives exactly the golden bytes (regenerate with `make goldens`)."""
from __future__ import annotations

import pytest

from tests.goldens import GOLDENS, SAMPLE_NAMES, build_sample


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_build_matches_goldens(tmp_path, name):
    build_sample(name, tmp_path)
    built = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    golden = {p.relative_to(GOLDENS / name).as_posix(): p.read_bytes()
              for p in (GOLDENS / name).rglob("*") if p.is_file()}
    assert sorted(built) == sorted(golden), "files differ: run `make goldens` and review the diff"
    changed = [key for key in built if built[key] != golden[key]]
    assert not changed, f"bytes differ in {changed}: run `make goldens` and review the diff"
