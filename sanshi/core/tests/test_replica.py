"""Reads marked as able to lag go to a real streaming standby; writes and other reads do not.

The test makes its own primary and standby (initdb, pg_basebackup -R, two servers on free
ports in a temporary folder) and runs sanshi against them in a subprocess, as a deployment
with SANSHI_REPLICA_URL would.
"""

# ruff: noqa: S603, S607 - the test starts PostgreSQL and sanshi, our own fixed commands
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(*args: str) -> None:
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{args[0]}: {done.stderr}"


@pytest.fixture(scope="module")
def standby() -> Iterator[tuple[str, str]]:
    """URLs of a new primary and of its streaming standby."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of the suite")
    if BIN is None or os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("needs PostgreSQL's server binaries and root (to run them as postgres)")
    # Not under pytest's folder: the postgres user cannot enter root's.
    root = Path(tempfile.mkdtemp(prefix="sanshi-replica-"))
    shutil.chown(root, "postgres")
    primary, copy = root / "primary", root / "standby"
    p1, p2 = _free_port(), _free_port()
    _as_postgres(str(BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(
            f"port = {p1}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n"
        )
    with (primary / "pg_hba.conf").open("a") as hba:
        hba.write("host replication all 127.0.0.1/32 trust\n")
    _as_postgres(str(BIN / "pg_ctl"), "-D", str(primary), "-l", str(root / "p.log"), "-w", "start")
    try:
        _as_postgres(
            str(BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(p1),
            "-U",
            "postgres",
            "-D",
            str(copy),
            "-R",
            "-X",
            "stream",
        )
        with (copy / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {p2}\n")
        _as_postgres(str(BIN / "pg_ctl"), "-D", str(copy), "-l", str(root / "s.log"), "-w", "start")
        _as_postgres(str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(p1), "sanshi")
        yield (
            f"postgres://postgres@127.0.0.1:{p1}/sanshi",
            f"postgres://postgres@127.0.0.1:{p2}/sanshi",
        )
    finally:
        for folder in (copy, primary):
            if folder.exists():
                subprocess.run(
                    [
                        "runuser",
                        "-u",
                        "postgres",
                        "--",
                        str(BIN / "pg_ctl"),
                        "-D",
                        str(folder),
                        "-m",
                        "immediate",
                        "stop",
                    ],
                    capture_output=True,
                    check=False,
                )
        shutil.rmtree(root, ignore_errors=True)


CHECK = textwrap.dedent(
    """
    import time
    from django.db import connections
    from django.test import Client
    from sanshi.concerns.models import Concern
    from sanshi.core.replica import replica_reads
    from sanshi.orgs.models import Org, Role
    from sanshi.testing import build_world

    def in_recovery(alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            return cursor.fetchone()[0]

    world = build_world()
    world.concern(text="标记：副本上的诉求")
    for _ in range(200):
        with replica_reads():
            if Concern.objects.filter(text__isnull=False).count() == 1:
                break
        time.sleep(0.05)
    with replica_reads():
        print("replica read from", Concern.objects.all().db, in_recovery(Concern.objects.all().db))
        print("replica sees", Concern.objects.count(), Org.objects.count())
        world.concern(text="写入仍去主库")  # a write inside the block goes to the primary
    print("plain read from", Concern.objects.all().db, in_recovery(Concern.objects.all().db))
    client = Client(SERVER_NAME="localhost")
    client.force_login(world.dispatcher)
    connections["replica"].queries_log.clear()
    connections["default"].queries_log.clear()
    connections["replica"].force_debug_cursor = True
    connections["default"].force_debug_cursor = True
    page = client.get("/console/search/", {"q": "标记"})
    concern_reads = lambda alias: sum(
        "FROM \\"concerns_concern\\"" in q["sql"] for q in connections[alias].queries)
    print("search", page.status_code, concern_reads("replica") > 0, concern_reads("default"))
    """
)


def test_marked_reads_come_from_the_standby_and_writes_from_the_primary(
    standby: tuple[str, str], tmp_path: Path
) -> None:
    primary_url, standby_url = standby
    env = {
        **os.environ,
        "DATABASE_URL": primary_url,
        "SANSHI_REPLICA_URL": standby_url,
        "SANSHI_DATA_DIR": str(tmp_path),
        "SANSHI_2FA_REQUIRED": "false",
    }
    manage = [sys.executable, "-m", "sanshi.manage"]
    migrate = subprocess.run(
        [*manage, "migrate", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    static = subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert static.returncode == 0, static.stderr

    run = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", CHECK],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "replica read from replica True",
        "replica sees 1 6",
        "plain read from default False",
        "search 200 True 0",
    ]
