"""The directory store: a listing whose hashes come from its journal, and a journal that stays bounded."""
from __future__ import annotations

import os

from publish.directory import JOURNAL, DirectoryStore
from publish.plan import sha256_hex


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
