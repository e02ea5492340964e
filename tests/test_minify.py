"""The JavaScript minifier: short local names, untouched property and global names, kept licences, same bytes."""
from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.assets import RUNTIME_FILE, Assets
from builder.catalog import load_catalog
from builder.errors import CatalogError
from builder.minify import minify_js

REPO = Path(__file__).resolve().parent.parent
ADAPTER = """adapter({
  name: "Demo",
  has: function (settingsObject, windowObject) {
    var someLongLocalName = windowObject.mixpanel;
    return this._has(someLongLocalName) && someLongLocalName.track("x", {propertyName: settingsObject.apiKey});
  }
});"""


def test_local_names_are_shortened_and_property_and_global_names_kept() -> None:
    out = minify_js(ADAPTER)
    for kept in ("adapter(", "name:", "has:", "this._has(", ".mixpanel", ".track(", "propertyName:", ".apiKey"):
        assert kept in out
    for local in ("settingsObject", "windowObject", "someLongLocalName"):
        assert local not in out
    assert len(out) < len(ADAPTER) // 2


def test_runtime_keeps_its_entry_point_and_loses_its_long_local_names() -> None:
    runtime = Assets.load().runtime()
    assert runtime.startswith("function start(")
    assert "loadIntegrations" not in runtime and "/* ---" not in runtime
    assert len(gzip.compress(runtime.encode(), 9, mtime=0)) <= 6 * 1024  # the runtime budget (bench/bundle_size.py)


def test_licence_comments_are_kept_and_other_comments_dropped() -> None:
    out = minify_js("/*! vendor licence */\n/* note */ var a = 1; // trailing\nwindow.x = a;")
    assert out.startswith("/*! vendor licence */")
    assert "note" not in out and "trailing" not in out


def test_output_adds_no_syntax_newer_than_es5() -> None:
    assets, catalog = Assets.load(), load_catalog()
    code = [assets.runtime()] + [assets.adapter(d) for d in catalog.destinations if d.device_capable]
    for text in code:
        assert not re.search(r"=>|`|\b(let|const|class)\s", text)


def test_same_input_gives_the_same_bytes_in_another_process() -> None:
    script = ("import sys; from builder.minify import minify_js; "
              f"sys.stdout.write(minify_js(open({str(REPO / 'templates' / RUNTIME_FILE)!r}).read()))")
    runs = [subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] == Assets.load().runtime()


def test_an_adapter_that_is_not_javascript_is_an_error_naming_its_file(tmp_path: Path) -> None:
    catalog = load_catalog()
    hotjar = next(d for d in catalog.destinations if d.slug == "hotjar")
    (tmp_path / "hotjar.js").write_text("adapter({ name: \"Hotjar\", init: function ( { } });\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"hotjar\.js.*line 1"):
        Assets.load(snippets=tmp_path).adapter(hotjar)
