"""`bundlesmith build` reuses what the directory serves: a source whose inputs are unchanged is not built again, and
what it builds is byte for byte what a full build gives; changed sources are still checked against unchanged ones."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.catalog import load_catalog
from builder.facts import FACTS_DIR, FACTS_FILE
from builder.facts import facts_of
from builder.inputs import BuildInputs, adapters_of, file_digest
from builder.private_values import private_values
from builder.reuse import partition, private_keys_of, values_of
from builder.workspace import load_workspace
from builder import resources
from bundlesmith.cli import main
from tests.support.publishing import copy_acme


def _build(workspace: Path, out: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", str(workspace), "--out", str(out), *args])
    return result.exit_code, result.output


def _summary(workspace: Path, out: Path, *args: str) -> dict:
    code, output = _build(workspace, out, "--json", *args)
    return {"code": code, **json.loads(output[output.index("{"):])}


def _served(out: Path) -> dict[str, bytes]:
    """Return every file the directory serves (its state left out)."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".bundlesmith" not in p.relative_to(out).parts}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """Return a copy of samples/acme and the directory it was built into once."""
    root, out = copy_acme(tmp_path), tmp_path / "out"
    assert _build(root, out)[0] == 0
    return root, out


def test_nothing_changed_builds_nothing_and_one_change_builds_that_source_alone(tmp_path):
    root, out = copy_acme(tmp_path), tmp_path / "out"
    first = _summary(root, out)
    assert first["code"] == 0 and len(first["built"]) == 4 and first["up_to_date"] == []

    again = _summary(root, out)
    assert again["code"] == 0 and again["built"] == [] and again["written"] == 0
    assert again["up_to_date"] == ["backend", "marketing", "mobile-app", "storefront"]

    _edit(root / "sources/marketing.yaml", "GTM-ACME01", "GTM-ACME02")
    changed = _summary(root, out)
    assert changed["built"] == ["marketing"] and changed["written"] >= 2
    assert changed["up_to_date"] == ["backend", "mobile-app", "storefront"]
    assert b"GTM-ACME02" in (out / "analytics.js/v1/wk_marketing_8e41/analytics.min.js").read_bytes()

    # What the reusing builds left in the directory is what one full build of the same workspace writes.
    assert _build(root, tmp_path / "full", "--rebuild")[0] == 0
    assert _served(out) == _served(tmp_path / "full")


def test_rebuild_builds_every_source_and_a_changed_workspace_file_rebuilds_them_all(built):
    root, out = built
    assert len(_summary(root, out, "--rebuild")["built"]) == 4

    _edit(root / "workspace.yaml", "\n", "\n# a comment changes the file, so every source's inputs\n")
    rebuilt = _summary(root, out)
    assert len(rebuilt["built"]) == 4 and rebuilt["up_to_date"] == [] and rebuilt["written"] == 0


def test_a_new_directory_gets_every_source_though_the_facts_are_known(tmp_path):
    root = copy_acme(tmp_path)
    assert _build(root, tmp_path / "a")[0] == 0
    fresh = _summary(root, tmp_path / "b")
    assert len(fresh["built"]) == 4 and fresh["up_to_date"] == []
    assert _served(tmp_path / "a") == _served(tmp_path / "b")


def test_a_removed_source_leaves_the_directory_and_the_others_are_untouched(built):
    root, out = built
    before = _served(out)
    (root / "sources/backend.yaml").unlink()
    summary = _summary(root, out)
    assert summary["removed"] >= 1 and summary["built"] == [] and "backend" not in summary["up_to_date"]
    assert not (out / "v1/projects/wk_backend_c7d3/settings").exists()
    assert {k: v for k, v in before.items() if "wk_backend_c7d3" not in k and k != "_headers"} \
        == {k: v for k, v in _served(out).items() if k != "_headers"}


def test_a_failing_source_is_reported_on_every_build(built):
    root, out = built
    _edit(root / "sources/storefront.yaml", 'measurementID: "G-ACME12345"', "measurementID: 12")
    for _ in range(2):
        code, output = _build(root, out)
        assert code == 1 and "FAILED storefront" in output and "measurementID" in output
        assert "3 up to date" in output


def test_a_changed_source_publishing_an_unchanged_sources_secret_fails(built):
    root, out = built
    # marketing now publishes, as its public GTM container id, a private value of storefront (unchanged)
    _edit(root / "sources/marketing.yaml", "GTM-ACME01", "mp-secret-storefront-5b1e")
    code, output = _build(root, out)
    assert code == 1 and "FAILED marketing" in output and "R10-private-leak" in output
    assert "on source 'storefront'" in output and "mp-secret-storefront-5b1e" not in output
    assert b"mp-secret-storefront-5b1e" not in (out / "v1/projects/wk_marketing_8e41/settings").read_bytes()


def test_a_changed_source_publishing_a_string_holding_an_unchanged_sources_secret_fails(built):
    root, out = built
    _edit(root / "sources/marketing.yaml", 'containerId: "GTM-ACME01"',
          'containerId: "GTM-ACME01", environment: "env-2&gtm_auth=amp-secret-storefront-c0de&x=1"')
    code, output = _build(root, out)
    assert code == 1 and "FAILED marketing" in output and "R10-private-leak" in output
    assert "'secretKey' of Amplitude on source 'storefront'" in output


def test_a_secret_that_an_unchanged_source_publishes_fails_that_source(built):
    root, out = built
    served = (out / "v1/projects/wk_marketing_8e41/settings").read_bytes()
    # storefront (changed) sets a private value that marketing (unchanged) publishes: marketing may not be served
    _edit(root / "sources/storefront.yaml", "mp-secret-eu-77c2", "GTM-ACME01")
    code, output = _build(root, out)
    assert code == 1 and "FAILED marketing" in output and "R10-private-leak" in output
    assert "'apiSecret' of Mixpanel EU on source 'storefront'" in output
    assert (out / "v1/projects/wk_marketing_8e41/settings").read_bytes() == served  # its last good build stays


def test_a_changed_write_key_clashing_with_an_unchanged_source_fails_both(built):
    root, out = built
    _edit(root / "sources/marketing.yaml", "wk_marketing_8e41", "wk_storefront_2f9c")
    code, output = _build(root, out)
    assert code == 1 and "FAILED marketing" in output and "FAILED storefront" in output
    assert "C-duplicate-write-key" in output


def test_the_facts_file_holds_no_private_value_is_private_and_ignored_by_git(built):
    root, out = built
    facts = root / FACTS_DIR / FACTS_FILE
    text = facts.read_text()
    catalog = load_catalog()
    secrets = [v[0] for s in load_workspace(root, catalog).sources for v in private_values(s.file, s.source, catalog)]
    assert len(secrets) >= 10 and not [s for s in secrets if s in text]
    assert facts.stat().st_mode & 0o777 == 0o600
    assert (root / FACTS_DIR / ".gitignore").read_text().splitlines()[-1] == "*"


def test_an_unreadable_facts_file_only_costs_a_full_build(built):
    root, out = built
    for damage in ('{"format": 2, "shared": "x"', json.dumps({"format": 2, "sources": {"a": [1]}}), "\0" * 10):
        (root / FACTS_DIR / FACTS_FILE).write_text(damage)
        summary = _summary(root, out)
        assert summary["code"] == 0 and len(summary["built"]) == 4 and summary["written"] == 0
    assert _summary(root, out)["up_to_date"] == ["backend", "marketing", "mobile-app", "storefront"]


def test_an_edited_adapter_changes_the_inputs_of_the_sources_that_embed_it_only(tmp_path):
    root = copy_acme(tmp_path)
    templates, snippets = tmp_path / "templates", tmp_path / "snippets"
    shutil.copytree(resources.templates_dir(), templates)
    shutil.copytree(resources.snippets_dir(), snippets)
    catalog = load_catalog(snippets / "catalog.yaml")
    entries = {os.path.relpath(e.file, root): e for e in load_workspace(root, catalog).sources}
    digests = {file: file_digest(Path(entry.file).read_bytes()) for file, entry in entries.items()}
    before = BuildInputs.read(root, templates, snippets)
    known = {}
    for file, entry in entries.items():
        adapters = adapters_of(entry.source, catalog)
        known[file] = facts_of(entry.source, values_of(entry, catalog), digests[file],
                               before.of_source(digests[file], adapters), adapters, "salt", private_keys_of(catalog))
    served = {fact.source_id: [fact.inputs] for fact in known.values()}
    assert partition(digests, known, before, served)[1] == []

    hotjar = snippets / "hotjar.js"  # storefront embeds Hotjar; marketing does not
    hotjar.write_text(hotjar.read_text() + "\n// edited\n")
    unchanged, changed = partition(digests, known, BuildInputs.read(root, templates, snippets), served)
    assert changed == ["sources/storefront.yaml"] and "sources/marketing.yaml" in unchanged


def test_rebuild_repairs_a_served_file_deleted_by_hand(built):
    root, out = built
    bundle = out / "analytics.js/v1/wk_storefront_2f9c/analytics.min.js"
    served = bundle.read_bytes()
    bundle.unlink()
    assert _summary(root, out)["up_to_date"] == ["backend", "marketing", "mobile-app", "storefront"]
    assert not bundle.exists()  # a plain build trusts what the directory says it serves
    assert _build(root, out, "--rebuild")[0] == 0
    assert bundle.read_bytes() == served
