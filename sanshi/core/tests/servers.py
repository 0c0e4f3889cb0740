"""Real gunicorn servers for tests that need several processes (no mocks, no test client)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sanshi(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "sanshi"), *args], env=env, check=True, capture_output=True)  # noqa: S603


def log_of(base: str, env: dict[str, str]) -> Path:
    """The file holding a server's output and access log."""
    return Path(env["SANSHI_DATA_DIR"]) / f"gunicorn-{base.rsplit(':', 1)[1]}.log"


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 2, threads: int = 4) -> Iterator[str]:
    """gunicorn with threaded workers (as docs/operations.md serves it); yields the base URL."""
    port = free_port()
    log = log_of(f"http://127.0.0.1:{port}", env)
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "sanshi.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--config",
                "python:sanshi.core.gunicorn_conf",
                "--access-logfile",
                "-",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, proc, log)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _wait(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
            return
        except urllib.error.HTTPError:
            return  # it answers (503 while the database is away)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 30 s")


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_URL"))}
    env.update(SANSHI_DATA_DIR=str(data_dir), SANSHI_LOG_LEVEL="ERROR", **extra)
    return env
