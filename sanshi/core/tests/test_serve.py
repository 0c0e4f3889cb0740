"""Issue 19: `sanshi serve` runs the web server, the task worker and the SLA sweep together and
stops them together (what `make demo` runs)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_URL"))}
    env.update(SANSHI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sanshi.settings")
    return env


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database of its own (the processes share it, not the test's)."""
    path = tmp_path_factory.mktemp("serve")
    subprocess.run(
        [sys.executable, "-m", "sanshi.manage", "migrate", "--noinput", "-v0"],
        cwd=ROOT, env=_env(path), check=True, timeout=300,
    )  # fmt: skip
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "sanshi.manage", "serve", "--port", str(self.port),
             "--workers", "1", "--threads", "2", "--sweep-every", "1"],
            cwd=ROOT, env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        self.pids: dict[str, int] = {}
        assert self.proc.stdout is not None
        while len(self.pids) < 3:
            line = self.proc.stdout.readline()
            assert line, "sanshi serve ended before starting its three children"
            found = re.match(r"sanshi serve: started (\w+) \(pid (\d+)\)", line)
            if found:
                self.pids[found.group(1)] = int(found.group(2))

    def health(self, timeout: float = 90) -> tuple[int, dict[str, str]]:
        """/healthz once it answers 200, or its last answer when the time is up."""
        deadline = time.monotonic() + timeout
        last: tuple[int, dict[str, str]] = (0, {})
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.port}/healthz"
                with urllib.request.urlopen(url, timeout=5) as r:
                    return r.status, json.loads(r.read())
            except urllib.error.HTTPError as exc:
                last = (exc.code, json.loads(exc.read()))
            except OSError:
                pass
            time.sleep(0.5)
        return last


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def served(data_dir: Path) -> Iterator[Served]:
    s = Served(data_dir)
    yield s
    if s.proc.poll() is None:
        s.proc.kill()
    for pid in s.pids.values():
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_serve_runs_web_worker_and_sweep_and_ctrl_c_stops_them_all(served: Served) -> None:
    assert sorted(served.pids) == ["sweep", "web", "worker"]
    # Healthy only once the sweep has run and the worker keeps up: all three are working.
    assert served.health() == (200, {"status": "ok", "database": "ok"})
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=30) == 0
    assert [name for name, pid in served.pids.items() if _alive(pid)] == []


def test_a_child_that_dies_stops_the_others_and_fails_the_command(served: Served) -> None:
    assert served.health()[0] == 200
    os.kill(served.pids["worker"], signal.SIGKILL)
    assert served.proc.wait(timeout=30) == 1
    assert served.proc.stderr is not None
    assert "worker stopped on its own (exit code -9); stopped the others too" in (
        served.proc.stderr.read()
    )
    assert [name for name, pid in served.pids.items() if _alive(pid)] == []
