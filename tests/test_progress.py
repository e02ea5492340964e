"""Progress on long work: one updating line on a terminal's stderr, nothing in pipes, in CI or with --json."""
from __future__ import annotations

import io
import os
import pty
import subprocess
import threading

import pytest

from bundlesmith.progress import ERASE, Progress, due, format_progress, progress_wanted
from tests.conftest import BUNDLESMITH, SAMPLES
from tests.support.workspaces import web_source, write_workspace

# --- what to show, and when: pure ------------------------------------------------------------------------------


@pytest.mark.parametrize("is_terminal, env, as_json, wanted", [
    (True, {}, False, True),
    (True, {"TERM": "xterm-256color"}, False, True),
    (False, {}, False, False),                      # a pipe or a file
    (True, {}, True, False),                        # --json
    (True, {"CI": "true"}, False, False),
    (True, {"CI": "1"}, False, False),
    (True, {"CI": "false"}, False, True),           # CI explicitly off
    (True, {"CI": ""}, False, True),
    (True, {"TERM": "dumb"}, False, False),
])
def test_progress_is_wanted_only_where_a_person_watches(is_terminal, env, as_json, wanted):
    assert progress_wanted(is_terminal, env, as_json) is wanted


@pytest.mark.parametrize("done, total, elapsed, line", [
    (0, 10_000, 0.0, "building: 0/10,000 sources (0%)"),
    (2_500, 10_000, 1.0, "building: 2,500/10,000 sources (25%), 2,500/s, ETA 0:03"),
    (9_999, 10_000, 4.0, "building: 9,999/10,000 sources (99%), 2,500/s, ETA 0:01"),
    (10_000, 10_000, 4.0, "building: 10,000/10,000 sources (100%), 2,500/s"),
    (10, 100_000, 1.0, "building: 10/100,000 sources (0%), 10/s, ETA 2:46:39"),
    (0, 0, 0.0, "building: 0/0 sources"),
])
def test_the_line_shows_done_total_rate_and_time_left(done, total, elapsed, line):
    assert format_progress("building", done, total, elapsed) == line


def test_the_line_is_redrawn_at_most_every_interval_and_always_at_the_end():
    assert due(0.0, None, 1, 100)                       # the first update shows at once
    assert not due(0.1, 0.0, 2, 100, interval=0.2)      # too soon
    assert due(0.2, 0.0, 3, 100, interval=0.2)
    assert due(0.05, 0.0, 100, 100, interval=0.2)       # the last one always


def test_progress_draws_a_few_times_a_second_then_erases_its_line():
    now = [0.0]
    out = io.StringIO()
    bar = Progress("building", out, clock=lambda: now[0], interval=0.2)
    for done in range(1, 1001):                         # 1,000 items over one second
        now[0] = done / 1000
        bar.update(done, 1000)
    assert 5 <= bar.drawn <= 7                          # first, every 0.2 s, last
    assert out.getvalue().count(ERASE) == bar.drawn
    assert out.getvalue().endswith("building: 1,000/1,000 sources (100%), 1,000/s")
    bar.close()
    assert out.getvalue().endswith(ERASE)               # the terminal is left as it was


def test_disabled_progress_writes_nothing():
    out = io.StringIO()
    with Progress("building", out, enabled=False) as bar:
        list(bar.wrap(range(50), total=50))
    assert out.getvalue() == ""
    assert bar.done == 50


def test_wrap_counts_an_item_once_the_consumer_is_done_with_it():
    seen = []
    bar = Progress("building", io.StringIO(), clock=lambda: 1.0)
    for item in bar.wrap(["a", "b", "c"], total=3):
        seen.append((item, bar.done))
    assert seen == [("a", 0), ("b", 1), ("c", 2)] and bar.done == 3


def test_a_vanished_terminal_stops_the_line_not_the_work():
    class Gone(io.StringIO):
        def write(self, text):
            raise OSError("the terminal is gone")

    bar = Progress("building", Gone())
    bar.update(1, 2)
    bar.update(2, 2)
    bar.close()
    assert bar.enabled is False and bar.done == 2


# --- the CLI on a real terminal, in a pipe, in CI and with --json --------------------------------------------------

def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(TERM="xterm", **extra)
    return env


def _run_on_terminal(args, env):
    """Run the CLI with stderr on a pseudo-terminal; return (exit code, what the terminal received, stdout)."""
    master, slave = pty.openpty()
    received = bytearray()

    def drain():
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer closed its end
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    try:
        process = subprocess.Popen([*BUNDLESMITH, *args], stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        slave = -1
        reader.start()
        stdout, _ = process.communicate(timeout=120)
        reader.join(timeout=10)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return process.returncode, received.decode("utf-8", "replace"), stdout.decode()


@pytest.fixture(scope="module")
def big_workspace(tmp_path_factory):
    """A workspace large enough for worker processes (build's parallel path)."""
    root = tmp_path_factory.mktemp("progress") / "ws"
    destinations = [{"destination": "Mixpanel", "name": "MP", "mode": "device", "settings": {"token": "t"}}]
    return write_workspace(root, sources={f"s{i:03d}": web_source(f"s{i:03d}", destinations) for i in range(240)})


def test_build_on_a_terminal_shows_loading_and_building_progress(big_workspace, tmp_path):
    code, terminal, stdout = _run_on_terminal(["build", str(big_workspace), "--out", str(tmp_path / "out"),
                                               "--jobs", "2"], _env())
    assert code == 0, terminal
    assert "loading: 240/240 sources (100%)" in terminal
    assert "building: 240/240 sources (100%)" in terminal
    assert terminal.endswith(ERASE)                      # the last line was erased
    assert "240 sources built, 0 failed" in stdout       # the result itself is unchanged, on stdout


def test_build_in_a_pipe_prints_no_progress(big_workspace, tmp_path):
    result = subprocess.run([*BUNDLESMITH, "build", str(big_workspace), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, env=_env(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "loading:" not in result.stderr and "building:" not in result.stderr and "\x1b[K" not in result.stderr


def test_build_with_json_or_in_ci_prints_no_progress_even_on_a_terminal(tmp_path):
    code, terminal, stdout = _run_on_terminal(["build", str(SAMPLES / "acme"), "--out", str(tmp_path / "a"),
                                               "--json"], _env())
    assert code == 0 and terminal == ""
    assert '"built": [' in stdout
    code, terminal, _ = _run_on_terminal(["build", str(SAMPLES / "acme"), "--out", str(tmp_path / "b")],
                                         _env(CI="true"))
    assert code == 0 and terminal == ""


def test_publish_on_a_terminal_shows_progress_and_in_a_pipe_does_not(tmp_path):
    root = write_workspace(tmp_path / "ws", sources={"site": web_source("site")},
                           targets={"local": {"url": str(tmp_path / "public")}})
    code, terminal, stdout = _run_on_terminal(["publish", str(root), "--env", "local"], _env())
    assert code == 0, terminal + stdout
    assert "loading: 1/1 sources (100%)" in terminal and "building: 1/1 sources (100%)" in terminal
    result = subprocess.run([*BUNDLESMITH, "publish", str(root), "--env", "local"], capture_output=True, text=True,
                            env=_env(), timeout=120)
    assert result.returncode == 0 and "loading:" not in result.stderr
