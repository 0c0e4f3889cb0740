"""Dump the database and look for the demo's personal data in clear: there must be none."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

COLLECT = """
from sanshi.concerns.models import Concern
from sanshi.orgs.models import Person
staff = set(Person.objects.values_list("name", flat=True))
values = set()
for c in Concern.objects.all():
    values |= {c.reporter_phone, c.address}
    values |= {c.reporter_name} - staff
    if c.protected:
        values.add(c.text)
values |= {p.phone for p in Person.objects.all()}
values.discard("")
"""


def _personal_values() -> set[str]:
    scope: dict[str, object] = {}
    exec(COLLECT, scope)  # noqa: S102
    values = scope["values"]
    assert isinstance(values, set)
    return values


def _leaks(dump: bytes, values: set[str]) -> list[str]:
    return sorted(v for v in values if v.encode() in dump)


def test_sqlite_file_holds_no_personal_data_in_clear(tmp_path: Path) -> None:
    script = (
        "import django, json, sqlite3; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "call_command('import_divisions', '--province', '450000', verbosity=0)\n"
        "call_command('demo', '--concerns', '80', '--until', '2026-11-01', verbosity=0)\n"
        + COLLECT
        + "from django.db import connection\n"
        "connection.cursor().execute('PRAGMA wal_checkpoint(TRUNCATE)')\n"
        "print(json.dumps(sorted(values), ensure_ascii=False))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANSHI_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="sanshi.settings", SANSHI_DATA_DIR=str(tmp_path))
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    values = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert len(values) > 100  # names, phones, addresses and protected texts were there to find
    dump = b"".join(p.read_bytes() for p in tmp_path.glob("sanshi.sqlite3*"))
    assert _leaks(dump, values) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
@pytest.mark.django_db(transaction=True)
def test_postgresql_dump_holds_no_personal_data_in_clear() -> None:
    from django.core.management import call_command

    call_command("import_divisions", "--province", "450000", verbosity=0)
    call_command("demo", "--concerns", "80", "--until", "2026-11-01", verbosity=0)
    values = _personal_values()
    assert len(values) > 100
    db = connection.settings_dict
    pg_dump = shutil.which("pg_dump") or "pg_dump"
    dump = subprocess.run(  # noqa: S603
        [
            pg_dump,
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout
    assert b"concerns_concern" in dump
    assert _leaks(dump, values) == []
