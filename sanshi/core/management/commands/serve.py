"""`sanshi serve`: the web server, the task worker, the SLA sweep and the dashboard's rollups,
one command (`make demo`).

A small supervisor: it starts gunicorn, the worker (`sanshi db_worker` with the default task
backend), `sanshi sla-sweep --every 60` and `sanshi rollup --every 60`; Ctrl-C or SIGTERM stops
them all together, and when one of them ends on its own the others are stopped too and the
command fails, saying which one (an alert that reaches nobody must not go unnoticed). Past one
machine, run them under a real process manager instead (docs/operations.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

STOP_WAIT_SECONDS = 15


def children(
    *, host: str, port: int, workers: int, threads: int, sweep_every: int
) -> dict[str, list[str]]:
    """The command line of each child, by name."""
    python = sys.executable
    found = {
        "web": [
            python,
            "-m",
            "gunicorn",
            "sanshi.wsgi",
            "-c",
            "python:sanshi.core.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        "sweep": [python, "-m", "sanshi.manage", "sla_sweep", "--every", str(sweep_every)],
        # The dashboard's counts follow the events within a minute.
        "rollup": [python, "-m", "sanshi.manage", "rollup", "--every", str(sweep_every)],
    }
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.endswith("DatabaseBackend"):
        found["worker"] = [
            python,
            "-m",
            "sanshi.manage",
            "db_worker",
            "--no-reload",
            "--interval",
            "1",
        ]
    elif backend.endswith("RQBackend"):
        found["worker"] = [
            python,
            "-m",
            "sanshi.manage",
            "rqworker",
            "--job-class",
            "django_tasks_rq.Job",
            "default",
        ]
    return found  # the immediate backend runs tasks in the web process: no worker


class Command(BaseCommand):
    help = "Serve sanshi with its task worker and SLA sweep; Ctrl-C stops them all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
        parser.add_argument("--threads", type=int, default=16, help="threads per process")
        parser.add_argument(
            "--sweep-every", type=int, default=60, help="seconds between SLA sweeps"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sweep_every"] < 1 or options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--sweep-every, --workers and --threads must be 1 or more")
        lines = children(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            threads=options["threads"],
            sweep_every=options["sweep_every"],
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "sanshi.settings"),
        }
        stopping: list[int] = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, _frame: stopping.append(signum))
        procs: dict[str, subprocess.Popen[bytes]] = {}
        for name, line in lines.items():
            procs[name] = subprocess.Popen(line, env=env)  # noqa: S603 (our own command lines)
            self.stdout.write(f"sanshi serve: started {name} (pid {procs[name].pid})")
        self.stdout.flush()
        ended = self.watch(procs, stopping)
        self.stop(procs)
        if ended is not None:
            raise CommandError(
                f"{ended} stopped on its own (exit code {procs[ended].returncode}); "
                "stopped the others too"
            )
        self.stdout.write("sanshi serve: stopped")

    def watch(self, procs: dict[str, subprocess.Popen[bytes]], stopping: list[int]) -> str | None:
        """Wait for a stop signal (None) or for a child to end on its own (its name)."""
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    return name
            time.sleep(0.2)
        return None

    def stop(self, procs: dict[str, subprocess.Popen[bytes]]) -> None:
        """SIGTERM to every child still running, then SIGKILL to any still there after a while."""
        for proc in procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for name, proc in procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"sanshi serve: {name} did not stop; killing it")
                proc.kill()
                proc.wait()
