"""Serve sanshi on a scratch database for the scripts in bench/: migrate, seed, gunicorn.

Used by bench/intake.py (the benchmark) and bench/schemathesis_api.py (the API conformance
run in CI). Everything listens on 127.0.0.1 only.
"""

# ruff: noqa: S603 - these scripts start our own programs with fixed arguments
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")

SEED = """
import django
django.setup()
from sanshi.concerns import actions
from sanshi.testing import build_world, person_of
world = build_world()
# Real places, so that the benchmark's addresses route as they would in Beihai: Guangxi's
# divisions, and the world's orgs tied to theirs.
from sanshi.orgs.division_import import import_divisions
from sanshi.orgs.models import Org
import_divisions(provinces=["450000"])
for org, code in ((world.province, "450000"), (world.city, "450500"),
                  (world.county, "450502"), (world.township, "450502002")):
    Org.objects.filter(pk=org.pk).update(division_code=code)
for i in range(3):
    c = world.concern(text=f"孩子放学后没人照看（{i}）")
    actions.dispatch_concern(c, world.community, actor=world.dispatcher,
                             handlers=[person_of(world.member)])
    if i:
        actions.sign_concern(c, actor=world.member)
    if i == 2:
        actions.reply_concern(c, actor=world.member, reply="已联系儿童之家")
world.concern(subcategory="children.abuse", text="邻居家孩子常被打")
world.concern(text="想咨询离婚财产分割")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scratch_postgres(name: str) -> str:
    """Drop and create a database on the local PostgreSQL; its DATABASE_URL."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Site:
    """A migrated, seeded sanshi with its environment; `serve()` starts gunicorn."""

    database_url: str
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sanshi-bench-")))
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANSHI_")}
        env.update(
            DATABASE_URL=self.database_url,
            DJANGO_SETTINGS_MODULE="sanshi.settings",
            SANSHI_DATA_DIR=str(self.data_dir),
            SANSHI_SECRET_KEY=secrets.token_urlsafe(40),
            SANSHI_TASKS_BACKEND="db",
            SANSHI_LOG_LEVEL="ERROR",
            # The benchmark serves without a worker or sweep: /healthz only says it is up.
            SANSHI_HEALTH_STALE_MINUTES="0",
            # This checkout's code in every process, the `sanshi` command's included: the
            # virtualenv's editable install points at one checkout, and a benchmark of another
            # (a worktree of an older commit) must migrate with its own migrations.
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        )
        env.update(self.extra_env)
        env.pop("REDIS_URL", None) if "REDIS_URL" not in self.extra_env else None
        return env

    def sanshi(self, *args: str) -> str:
        """Run a management command; its standard output."""
        done = subprocess.run(
            [str(BIN / "sanshi"), *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"sanshi {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def prepare(self) -> None:
        self.sanshi("migrate", "--noinput", "-v", "0")
        subprocess.run([sys.executable, "-c", SEED], env=self.env, cwd=REPO, check=True)

    def token(self, username: str, name: str) -> str:
        return self.sanshi("api-token", username, "--name", name).strip().splitlines()[-1]

    def serve(self, workers: int = 2, threads: int = 1) -> str:
        self.port = free_port()
        # gunicorn's log goes to the data folder: a warning line for each bad request that
        # schemathesis sends would otherwise bury a CI run's test results.
        with (self.data_dir / "gunicorn.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "sanshi.wsgi",
                    "-w",
                    str(workers),
                    "--threads",
                    str(threads),
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "--log-level",
                    "warning",
                    "--timeout",
                    "60",
                ],
                env=self.env,
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return base
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
