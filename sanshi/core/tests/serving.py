"""Running `sanshi serve` from tests: its children's pids and /healthz (test_serve, the demo's
browser test)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_URL"))}
    env.update(SANSHI_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sanshi.settings")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "sanshi.manage",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--threads",
                "2",
                "--sweep-every",
                "1",
            ],
            cwd=ROOT,
            env=env_for(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.pids: dict[str, int] = {}
        assert self.proc.stdout is not None
        while len(self.pids) < 4:  # web, worker, sweep, rollup
            line = self.proc.stdout.readline()
            assert line, "sanshi serve ended before starting its four children"
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


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
