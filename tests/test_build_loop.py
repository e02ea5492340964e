"""The one build loop: triggers only mark work dirty; one thread works; a change during a build is one more build."""
from __future__ import annotations

import threading

from bundlesmith.serve.affected import Affected
from bundlesmith.serve.build_loop import BuildCache, BuildLoop


def _files(*names: str) -> Affected:
    return Affected(frozenset(names))


def test_marks_during_a_build_cause_exactly_one_more_build_of_what_they_touched():
    started, release, seen = threading.Event(), threading.Event(), []
    threads = set()

    def work(dirty: Affected) -> None:
        threads.add(threading.current_thread().name)
        seen.append(dirty.files)
        if len(seen) == 1:
            started.set()
            assert release.wait(10)

    with BuildLoop(work) as loop:
        loop.mark(_files("a"))
        assert started.wait(10)
        for name in ("b", "c", "b"):          # while the first build runs
            loop.mark(_files(name))
        release.set()
        assert loop.wait_idle(10)
    assert seen == [{"a"}, {"b", "c"}] and threads == {"bundlesmith-build"} and loop.runs == 2


def test_a_failing_build_is_logged_and_the_loop_goes_on(caplog):
    calls = []

    def work(dirty: Affected) -> None:
        calls.append(dirty.files)
        if len(calls) == 1:
            raise RuntimeError("boom")

    with BuildLoop(work) as loop:
        loop.mark(_files("a"))
        assert loop.wait_idle(10)
        loop.mark(_files("b"))
        assert loop.wait_idle(10)
    assert calls == [{"a"}, {"b"}] and "boom" in caplog.text


def test_stopping_lets_the_running_build_finish():
    started, finished = threading.Event(), threading.Event()

    def work(dirty: Affected) -> None:
        started.set()
        threading.Event().wait(0.2)
        finished.set()

    loop = BuildLoop(work).__enter__()
    loop.mark(_files("a"))
    assert started.wait(10)
    loop.stop()
    assert finished.is_set()


def test_the_cache_builds_each_input_once_from_many_threads():
    cache, made = BuildCache(), []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        for i in range(50):
            assert cache.get_or_make(("k", i % 5), lambda: made.append(1) or ("entry", None)) == ("entry", None)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert cache.hits + cache.misses == 200 and 5 <= len(made) <= 20  # a race may build a key twice, never more
