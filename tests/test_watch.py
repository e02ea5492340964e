"""The workspace watcher: the pure debouncing decisions, the ignore list, and the live thread around them."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from bundlesmith.watch import Debouncer, Watcher, event_paths, is_ignored


def test_a_burst_is_due_after_the_quiet_period():
    d = Debouncer(quiet=0.25, max_delay=2.0)
    assert d.wait_time(0.0) is None and d.take(0.0) is None
    d.mark("a.yaml", 10.0)
    d.mark("b.yaml", 10.1)
    assert d.take(10.3) is None                       # 0.2 s since the last change: still settling
    assert d.wait_time(10.3) == pytest.approx(0.05)
    assert d.take(10.35) == {"a.yaml", "b.yaml"}
    assert not d.pending and d.take(20.0) is None     # taken once


def test_a_steady_trickle_is_built_at_the_maximum_delay():
    d = Debouncer(quiet=0.25, max_delay=2.0)
    now, taken = 0.0, []
    while now < 5.0:                                  # a change every 100 ms, never quiet for 250 ms
        d.mark(f"{now:.1f}", now)
        batch = d.take(now)
        if batch:
            taken.append(now)
        now = round(now + 0.1, 1)
    assert taken == [2.0, 4.1]


def test_a_change_after_take_is_one_more_build():
    d = Debouncer(quiet=0.25, max_delay=2.0)
    d.mark("a.yaml", 0.0)
    assert d.take(0.25) == {"a.yaml"}
    d.mark("a.yaml", 0.3)                             # saved again while the first build runs
    assert d.take(0.55) == {"a.yaml"} and d.take(9.0) is None


def test_quiet_and_max_delay_are_configurable_and_checked():
    d = Debouncer(quiet=0.0, max_delay=0.0)
    d.mark("a", 1.0)
    assert d.take(1.0) == {"a"}
    with pytest.raises(ValueError, match="quiet <= max_delay"):
        Debouncer(quiet=3.0, max_delay=2.0)


@pytest.mark.parametrize("path", [
    "ws/sources/.storefront.yaml.swp", "ws/sources/storefront.yaml~", "ws/sources/.#storefront.yaml",
    "ws/sources/4913", "ws/sources/.tmp-12-3-0-storefront.yaml", "ws/.git/index", "ws/.git/objects/ab/cd",
    "ws/public/v1/projects/wk/settings",
])
def test_editor_droppings_vcs_and_output_are_ignored(path):
    assert is_ignored(path, ignore_dirs=["ws/public"])


@pytest.mark.parametrize("path", ["ws/sources/storefront.yaml", "ws/workspace.yaml", "ws/publicity.yaml"])
def test_workspace_files_count(path):
    assert not is_ignored(path, ignore_dirs=["ws/public"])


def test_deletes_and_renames_count_but_reads_do_not():
    assert event_paths("deleted", "ws/sources/a.yaml") == ["ws/sources/a.yaml"]
    assert event_paths("moved", "ws/sources/.tmp-1-a.yaml", "ws/sources/a.yaml") == ["ws/sources/a.yaml"]
    assert event_paths("moved", "ws/sources/a.yaml", "ws/sources/b.yaml") == ["ws/sources/a.yaml",
                                                                               "ws/sources/b.yaml"]
    assert event_paths("opened", "ws/sources/a.yaml") == []
    assert event_paths("closed_no_write", "ws/sources/a.yaml") == []
    assert event_paths("modified", "ws/sources", is_directory=True) == []
    assert event_paths("deleted", "ws/sources/old", is_directory=True) == ["ws/sources/old"]


class _Recorder:
    def __init__(self) -> None:
        self.batches: list[frozenset[str]] = []
        self.arrived = threading.Condition()

    def __call__(self, paths: frozenset[str]) -> None:
        with self.arrived:
            self.batches.append(paths)
            self.arrived.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
        with self.arrived:
            return self.arrived.wait_for(lambda: predicate(self.batches), timeout=timeout)

    def seen(self) -> set[str]:
        return {os.path.basename(p) for batch in self.batches for p in batch}


def _workspace(tmp_path: Path) -> Path:
    (tmp_path / "ws" / "sources").mkdir(parents=True)
    (tmp_path / "ws" / "public").mkdir()
    (tmp_path / "ws" / "sources" / "a.yaml").write_text("id: a\n")
    return tmp_path / "ws"


def test_live_watcher_coalesces_a_burst_and_sees_deletes_and_renames(tmp_path):
    root, calls = _workspace(tmp_path), _Recorder()
    with Watcher(root, calls, quiet=0.2, max_delay=5.0, ignore_dirs=[root / "public"]):
        for i in range(20):
            (root / "sources" / "a.yaml").write_text(f"id: a\nname: n{i}\n")
        assert calls.wait_for(lambda b: len(b) >= 1)
        assert calls.seen() == {"a.yaml"}
        assert len(calls.batches) <= 2               # twenty saves, one build (two if a burst straddled the period)

        (root / "sources" / "a.yaml").rename(root / "sources" / "b.yaml")
        assert calls.wait_for(lambda b: any("b.yaml" in {os.path.basename(p) for p in x} for x in b))
        (root / "sources" / "b.yaml").unlink()
        count = len(calls.batches)
        assert calls.wait_for(lambda b: len(b) > count)
        assert os.path.basename(next(iter(calls.batches[-1]))) == "b.yaml"


def test_live_watcher_ignores_output_and_droppings_and_stops_cleanly(tmp_path):
    root, calls = _workspace(tmp_path), _Recorder()
    watcher = Watcher(root, calls, quiet=0.05, max_delay=1.0, ignore_dirs=[root / "public"])
    with watcher:
        (root / "public" / "settings").write_text("{}")
        (root / "sources" / ".a.yaml.swp").write_text("x")
        (root / "sources" / "a.yaml~").write_text("x")
        (root / "sources" / "a.yaml").read_text()
        (root / "sources" / "z.yaml").write_text("id: z\n")   # the marker: everything before it was ignored
        assert calls.wait_for(lambda b: "z.yaml" in {os.path.basename(p) for x in b for p in x})
        assert calls.seen() == {"z.yaml"}
    assert not watcher._thread.is_alive() and not watcher._observer.is_alive()


def test_a_change_during_a_build_causes_exactly_one_more_build(tmp_path):
    root = _workspace(tmp_path)
    started, release, batches = threading.Event(), threading.Event(), []

    def slow_build(paths: frozenset[str]) -> None:
        batches.append(paths)
        started.set()
        release.wait(timeout=10)

    with Watcher(root, slow_build, quiet=0.05, max_delay=1.0) as watcher:
        watcher.trigger("first")
        assert started.wait(timeout=5)
        started.clear()
        for i in range(5):
            watcher.trigger(f"during-{i}")
        release.set()
        assert started.wait(timeout=5)
    assert batches == [{"first"}, {f"during-{i}" for i in range(5)}]


def test_a_failing_callback_does_not_stop_the_watcher(tmp_path, caplog):
    root, calls = _workspace(tmp_path), _Recorder()

    def flaky(paths: frozenset[str]) -> None:
        calls(paths)
        if len(calls.batches) == 1:
            raise RuntimeError("boom")

    with Watcher(root, flaky, quiet=0.01, max_delay=0.5) as watcher:
        watcher.trigger("one")
        assert calls.wait_for(lambda b: len(b) == 1)
        watcher.trigger("two")
        assert calls.wait_for(lambda b: len(b) == 2)
    assert "boom" in caplog.text


def test_the_output_folder_costs_no_watches_and_new_folders_are_watched(tmp_path):
    root, calls = _workspace(tmp_path), _Recorder()
    for i in range(50):
        (root / "public" / "v1" / "projects" / f"wk_{i}").mkdir(parents=True)
    watcher = Watcher(root, calls, quiet=0.05, max_delay=1.0, ignore_dirs=[root / "public"])
    with watcher:
        watched = {(Path(e.watch.path).name, e.watch.is_recursive) for e in watcher._observer.emitters}
        assert watched == {("ws", False), ("sources", True)}   # nothing inside public/

        (root / "workspace.yaml").write_text("id: ws\n")        # a file at the root counts
        assert calls.wait_for(lambda b: "workspace.yaml" in {os.path.basename(p) for x in b for p in x})
        (root / "destination_snippets").mkdir()                 # a folder made later is watched too
        assert calls.wait_for(lambda b: any(os.path.basename(p) == "destination_snippets" for x in b for p in x))
        (root / "destination_snippets" / "catalog.yaml").write_text("x: 1\n")
        assert calls.wait_for(lambda b: "catalog.yaml" in {os.path.basename(p) for x in b for p in x})
