"""`sanshi backup` and `sanshi restore`: an encrypted dump that restores into an empty database
of the same kind, whose audit chain then verifies and whose rows are all there."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pyrage
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sanshi.audit.models import AuditEntry
from sanshi.concerns.models import Concern, ConcernEvent
from sanshi.testing import World

MARK = "备份标记王小红13912345678"
TABLES = ("concerns_concern", "concerns_concernevent", "audit_auditentry", "orgs_org")
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def keys(tmp_path: Path, settings: Any) -> Path:
    """A fresh identity: backups are made to its recipient; the file opens them."""
    identity = pyrage.x25519.Identity.generate()
    settings.SANSHI_BACKUP_RECIPIENTS = [str(identity.to_public())]
    settings.SANSHI_BACKUP_IDENTITY = ""
    path = tmp_path / "identity.txt"
    path.write_text(str(identity))
    return path


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind the suite runs on."""
    if not POSTGRESQL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"sanshi_restore_{os.getpid()}"
    admin = {"PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"]}
    env = {**os.environ, **admin, "PGPASSWORD": db["PASSWORD"] or ""}
    psql = ["psql", "-q", "-d", "postgres", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], env=env, check=True)  # noqa: S603
    subprocess.run([*psql, f"CREATE DATABASE {name}"], env=env, check=True)  # noqa: S603
    host = f"{db['HOST']}:{db['PORT']}" if db["HOST"] else ""
    yield f"postgres://{db['USER']}@{host}/{name}"
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], env=env, check=True)  # noqa: S603


def _counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _counts_in(url: str) -> dict[str, int]:
    if url.startswith("sqlite:///"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608
        finally:
            con.close()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]  # noqa: S608


def _sanshi(url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "SANSHI_DATA_DIR": str(data_dir)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "sanshi.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_whose_chain_verifies_with_every_row(
    world: World, keys: Path, tmp_path: Path, empty_database: str
) -> None:
    for i in range(3):
        world.concern(text=f"{MARK} 第{i}件", reporter_name="王小红", reporter_phone="13912345678")
    before = _counts_here()
    assert before["concerns_concern"] == 3
    assert before["audit_auditentry"] == AuditEntry.objects.count()
    assert before["concerns_concernevent"] == ConcernEvent.objects.count()
    backup = tmp_path / "out" / "sanshi.age"

    call_command("backup", output=backup, stdout=StringIO())

    raw = backup.read_bytes()
    assert raw.startswith(b"age-encryption.org/v1\n")
    for clear in (MARK.encode(), "王小红".encode(), b"13912345678", b"PGDMP", b"SQLite format"):
        assert clear not in raw
    assert list(backup.parent.iterdir()) == [backup]  # no partial file left beside it
    done = _sanshi(
        empty_database, tmp_path / "data", "restore", str(backup), "--identity-file", str(keys)
    )
    assert done.returncode == 0, done.stderr
    assert f"audit chain ok: {before['audit_auditentry']} rows" in done.stdout
    assert _counts_in(empty_database) == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(
    world: World, keys: Path, tmp_path: Path
) -> None:
    world.concern()
    backup = tmp_path / "sanshi.age"
    call_command("backup", output=backup, stdout=StringIO())
    before = _counts_here()

    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(backup), identity_file=keys)

    assert _counts_here() == before
    assert Concern.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_backup_does_not_open_with_another_identity(
    world: World, keys: Path, tmp_path: Path, empty_database: str
) -> None:
    world.concern()
    backup = tmp_path / "sanshi.age"
    call_command("backup", output=backup, stdout=StringIO())
    stranger = tmp_path / "stranger.txt"
    stranger.write_text(str(pyrage.x25519.Identity.generate()))

    done = _sanshi(
        empty_database, tmp_path / "data", "restore", str(backup), "--identity-file", str(stranger)
    )

    assert done.returncode == 1
    assert "does not open with this identity" in done.stderr
    assert _counts_in_or_none(empty_database) is None


def _counts_in_or_none(url: str) -> dict[str, int] | None:
    """None when the database has none of the tables (nothing was restored)."""
    try:
        return _counts_in(url)
    except Exception:  # either database's "no such table"
        return None


@pytest.mark.django_db
def test_a_demo_without_keys_makes_its_identity_in_the_data_dir(
    world: World, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path
    settings.SANSHI_BACKUP_RECIPIENTS = []
    settings.SANSHI_BACKUP_IDENTITY = ""
    from sanshi.core.backup import identity, recipients

    [recipient] = recipients()

    made = (tmp_path / "backup_identity").read_text()
    assert made.startswith("AGE-SECRET-KEY-1")
    assert str(identity(None).to_public()) == str(recipient)


def test_a_malformed_recipient_is_named(settings: Any) -> None:
    settings.SANSHI_BACKUP_RECIPIENTS = ["age1notakey"]
    from sanshi.core.backup import BackupError, recipients

    with pytest.raises(BackupError, match="SANSHI_BACKUP_RECIPIENTS: not an age recipient"):
        recipients()
