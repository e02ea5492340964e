"""The service's in-memory workspace: edits reload one file, and problems read as `bundlesmith validate` says them."""
from __future__ import annotations

from builder.build import SourceFailure
from bundlesmith.serve.affected import Affected
from bundlesmith.serve.incremental import LiveWorkspace
from tests.support.workspaces import web_source, write_workspace


def test_a_write_key_clash_made_by_an_edit_fails_both_sources_with_file_and_line(tmp_path):
    root = write_workspace(tmp_path, sources={"a": web_source("a", write_key="wk_a"), "b": web_source("b")})
    live = LiveWorkspace(root)
    assert not any(isinstance(o, SourceFailure) for o in live.build(live.refresh(Affected(rescan=True))))

    (root / "sources" / "b.yaml").write_text((root / "sources" / "b.yaml").read_text().replace("wk_b", "wk_a"))
    outcomes = live.build(live.refresh(Affected(files=frozenset({"sources/b.yaml"}))))

    found = sorted((o.file.rsplit("/", 1)[1], p.code, p.line) for o in outcomes for p in o.problems)
    assert found == [("a.yaml", "C-duplicate-write-key", 4), ("b.yaml", "C-duplicate-write-key", 4)]


def test_a_source_file_past_the_size_limit_fails_its_source_in_the_service(tmp_path):
    root = write_workspace(tmp_path, sources={"a": web_source("a")}, limits={"source_file_bytes": 2048})
    live = LiveWorkspace(root)
    live.build(live.refresh(Affected(rescan=True)))
    big = root / "sources" / "a.yaml"
    big.write_text(big.read_text() + "# " + "x" * 4096 + "\n")

    outcomes = live.build(live.refresh(Affected(files=frozenset({"sources/a.yaml"}))))

    assert [(type(o).__name__, [p.code for p in o.problems]) for o in outcomes] == [
        ("SourceFailure", ["C-file-too-large"])]
    assert "more than the limit of 2,048 bytes (limits.source_file_bytes in workspace.yaml)" in str(
        outcomes[0].problems[0])


def test_the_sources_to_keep_follow_edits_file_by_file(tmp_path):
    root = write_workspace(tmp_path, sources={"a": web_source("a"), "b": web_source("b")})
    live = LiveWorkspace(root)
    live.refresh(Affected(rescan=True))
    assert set(live.keep_ids() or ()) == {"a", "b"}
    live.take_left()

    (root / "sources" / "c.yaml").write_text("id: [never parsed\n")
    live.refresh(Affected(files=frozenset({"sources/c.yaml"})))
    assert live.keep_ids() is None  # a file whose source is unknown: nothing may be removed

    (root / "sources" / "c.yaml").write_text((root / "sources" / "b.yaml").read_text().replace("wk_b", "wk_c"))
    (root / "sources" / "b.yaml").unlink()
    live.refresh(Affected(files=frozenset({"sources/b.yaml", "sources/c.yaml"})))
    assert set(live.keep_ids() or ()) == {"a", "b"} and live.take_left() == set()  # c.yaml holds b now

    (root / "sources" / "c.yaml").unlink()
    live.refresh(Affected(files=frozenset({"sources/c.yaml"})))
    assert set(live.keep_ids() or ()) == {"a"} and live.take_left() == {"b"}
    assert live.take_left() == set()


def test_what_each_file_uses_is_worked_out_again_after_its_edit_only(tmp_path):
    root = write_workspace(tmp_path, sources={"a": web_source("a"), "b": web_source("b")})
    live = LiveWorkspace(root)
    live.refresh(Affected(rescan=True))
    before = dict(live.uses())
    assert set(before) == {"sources/a.yaml", "sources/b.yaml"} and before["sources/a.yaml"].source_id == "a"

    (root / "sources" / "a.yaml").write_text((root / "sources" / "a.yaml").read_text().replace("id: a", "id: a2"))
    (root / "sources" / "b.yaml").unlink()
    live.refresh(Affected(files=frozenset({"sources/a.yaml", "sources/b.yaml"})))

    assert {f: u.source_id for f, u in live.uses().items()} == {"sources/a.yaml": "a2"}
