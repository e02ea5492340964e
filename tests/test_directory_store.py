"""The directory store: a listing from its journal, a bounded journal, refused keys, `_headers` entries first."""
from __future__ import annotations

import os

import pytest

from bundlesmith.preview.preview_server import parse_headers_text
from publish.directory import JOURNAL, KEY_RULE, DirectoryStore
from publish.headers import HeadersFile
from publish.plan import sha256_hex
from builder.errors import PublishError


def test_a_long_running_writer_keeps_the_journal_bounded_and_the_listing_right(tmp_path, monkeypatch):
    store = DirectoryStore(tmp_path)
    store.journal_limit = 4096  # a few dozen lines
    bodies = {}
    for i in range(2000):  # a service publishing edit after edit, never listing
        key = f"v1/projects/wk_{i % 50}/settings"
        bodies[key] = f'{{"edit": {i}}}'.encode()
        store.put(key, bodies[key], "application/json", "public, max-age=300")
    assert os.path.getsize(tmp_path / JOURNAL) < 2 * store.journal_limit
    store.delete(["v1/projects/wk_0/settings"])
    del bodies["v1/projects/wk_0/settings"]
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: (reads.append(str(path)), real_open(path, *a, **k))[1])
    listing = DirectoryStore(tmp_path).list()  # a new process
    assert listing == {key: sha256_hex(body) for key, body in bodies.items()}
    assert not [p for p in reads if "/v1/projects/" in p]  # every hash came from the index and journal


def test_a_file_edited_by_hand_is_hashed_again(tmp_path):
    store = DirectoryStore(tmp_path)
    store.put("v1/projects/wk/settings", b"{}", "application/json", "public, max-age=300")
    (tmp_path / "v1/projects/wk/settings").write_bytes(b'{"by": "hand"}')
    assert DirectoryStore(tmp_path).list() == {"v1/projects/wk/settings": sha256_hex(b'{"by": "hand"}')}


def test_a_refused_key_is_skipped_by_delete_and_recorded_and_the_rest_is_deleted(tmp_path):
    store = DirectoryStore(tmp_path / "out")
    store.put("v1/projects/wk/settings", b"{}", "application/json", "public, max-age=300")
    (tmp_path / "victim.txt").write_text("keep")
    store.delete(["../victim.txt", "v1/projects/wk/settings", "a/\n  Set-Cookie: x"])
    assert (tmp_path / "victim.txt").read_text() == "keep"
    assert not (tmp_path / "out/v1/projects/wk/settings").exists()
    assert [key for key, _ in store.refused] == ["../victim.txt", "a/\n  Set-Cookie: x"]
    assert all(rule == KEY_RULE for _, rule in store.refused)
    with pytest.raises(PublishError, match="refusing to write '../victim.txt'"):
        store.put("../victim.txt", b"x", "text/plain", "no-store")


def test_an_object_has_its_headers_entry_before_its_file_exists(tmp_path):
    headers = HeadersFile(tmp_path)
    seen = []

    class Watching(DirectoryStore):
        def _remember(self, key, stat, digest):  # right after the rename: the entry must already be there
            seen.append(parse_headers_text((tmp_path / "_headers").read_text()).get("/" + key))
            super()._remember(key, stat, digest)

    store = Watching(tmp_path, headers)
    store.put("next-integrations/actions/x/abc.js", b"1", "text/javascript", "public, max-age=31536000, immutable")
    store.put("v1/projects/wk/settings", b"{}", "application/json", "public, max-age=300, s-maxage=1500")
    store.put("v1/projects/wk/settings", b"{1}", "application/json", "public, max-age=300, s-maxage=1500")
    store.put(".bundlesmith/manifest.json", b"{}", "application/json", "private, no-store")
    assert seen[:3] == [
        {"Content-Type": "text/javascript", "Cache-Control": "public, max-age=31536000, immutable"},
        {"Content-Type": "application/json", "Cache-Control": "public, max-age=300, s-maxage=1500",
         "Access-Control-Allow-Origin": "*"},
        {"Content-Type": "application/json", "Cache-Control": "public, max-age=300, s-maxage=1500",
         "Access-Control-Allow-Origin": "*"}]
    text = (tmp_path / "_headers").read_text()
    assert text.count("/v1/projects/wk/settings\n") == 1 and ".bundlesmith" not in text   # appended once, never private
    headers.write({})             # the states no longer lists the plugin file: kept while it is there
    assert "/next-integrations/actions/x/abc.js" in (tmp_path / "_headers").read_text()
    store.delete(["next-integrations/actions/x/abc.js"])
    assert "/next-integrations/" not in (tmp_path / "_headers").read_text()                 # gone with its file


def test_a_rewrite_from_the_state_keeps_entries_of_files_the_state_does_not_list_yet(tmp_path):
    store = DirectoryStore(tmp_path, HeadersFile(tmp_path))
    store.put("next-integrations/actions/x/new.js", b"1", "text/javascript", "public, immutable")  # then a crash
    HeadersFile(tmp_path).write({})                                  # the next process rewrites it from the states
    assert "/next-integrations/actions/x/new.js" in parse_headers_text((tmp_path / "_headers").read_text())
