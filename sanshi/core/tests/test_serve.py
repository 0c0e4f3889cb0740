"""Issue 19: `sanshi serve` runs the web server, the task worker and the SLA sweep together and
stops them together (what `make demo` runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanshi.core.tests.serving import ROOT, Served, alive, env_for


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database of its own (the processes share it, not the test's)."""
    path = tmp_path_factory.mktemp("serve")
    subprocess.run(
        [sys.executable, "-m", "sanshi.manage", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env_for(path),
        check=True,
        timeout=300,
    )
    return path


@pytest.fixture
def served(data_dir: Path) -> Iterator[Served]:
    s = Served(data_dir)
    yield s
    if s.proc.poll() is None:
        s.proc.kill()
    for pid in s.pids.values():
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_serve_runs_web_worker_and_sweep_and_ctrl_c_stops_them_all(served: Served) -> None:
    assert sorted(served.pids) == ["rollup", "sweep", "web", "worker"]
    # Healthy only once the sweep has run and the worker keeps up: all three are working.
    assert served.health() == (200, {"status": "ok", "database": "ok"})
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=30) == 0
    assert [name for name, pid in served.pids.items() if alive(pid)] == []


def test_a_child_that_dies_stops_the_others_and_fails_the_command(served: Served) -> None:
    assert served.health()[0] == 200
    os.kill(served.pids["worker"], signal.SIGKILL)
    assert served.proc.wait(timeout=30) == 1
    assert served.proc.stderr is not None
    assert "worker stopped on its own (exit code -9); stopped the others too" in (
        served.proc.stderr.read()
    )
    assert [name for name, pid in served.pids.items() if alive(pid)] == []
