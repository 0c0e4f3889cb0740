"""Encrypted backups of the whole database, and their restore into an empty one.

PostgreSQL is dumped with pg_dump's custom format and restored with pg_restore; SQLite is
copied with its online backup API. Either dump is encrypted on the fly with age (pyrage, the
Python binding of rage) to one or more recipients: the app servers need only the public
recipient, so a stolen server cannot read old backups; the identity (private key) is needed
only to restore and belongs off the servers in production (docs/operations.md). For a demo
with nothing configured, an identity is made in the data dir beside the other keys.

No plaintext dump touches the disk: pg_dump's output is encrypted as it streams, SQLite's copy
is made in memory. A file is written under a temporary name and renamed when whole.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyrage
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from sanshi.env import secret_in_data_dir

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
SQLITE_MAGIC = b"SQLite format 3\x00"
IDENTITY_FILE = "backup_identity"


class BackupError(Exception):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class Made:
    path: Path
    engine: str
    size: int


def _engine() -> str:
    """The kind of database, by Django's backend class (a subclass counts as its parent)."""
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    wrapper = connections[DEFAULT_DB_ALIAS]
    if isinstance(wrapper, PostgreSQLWrapper):
        return POSTGRESQL
    if isinstance(wrapper, SQLiteWrapper):
        return SQLITE
    raise BackupError(f"backups cover PostgreSQL and SQLite, not {connection.display_name}")


# ---------------------------------------------------------------- keys


def _data_dir_identity(*, create: bool) -> str | None:
    path = Path(settings.DATA_DIR) / IDENTITY_FILE
    if not create and not path.exists():
        return None
    return secret_in_data_dir(
        Path(settings.DATA_DIR), IDENTITY_FILE, str(pyrage.x25519.Identity.generate())
    )


def recipients() -> list[pyrage.x25519.Recipient]:
    """Who can open a new backup: SANSHI_BACKUP_RECIPIENTS, else the identity's own key."""
    configured = list(settings.SANSHI_BACKUP_RECIPIENTS)
    if configured:
        try:
            return [pyrage.x25519.Recipient.from_str(r) for r in configured]
        except pyrage.RecipientError as exc:
            raise BackupError(f"SANSHI_BACKUP_RECIPIENTS: not an age recipient: {exc}") from None
    text = settings.SANSHI_BACKUP_IDENTITY or _data_dir_identity(create=True)
    return [_identity(text or "").to_public()]


def _identity(text: str) -> pyrage.x25519.Identity:
    try:
        return pyrage.x25519.Identity.from_str(text.strip())
    except pyrage.IdentityError:
        raise BackupError(
            "the backup identity is not an age secret key (AGE-SECRET-KEY-1…)"
        ) from None


def identity(identity_file: Path | None) -> pyrage.x25519.Identity:
    """The key that opens backups: a file given at restore, the setting, or the data dir's."""
    if identity_file is not None:
        try:
            return _identity(identity_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BackupError(f"cannot read {identity_file}: {exc.strerror}") from None
    text = settings.SANSHI_BACKUP_IDENTITY or _data_dir_identity(create=False)
    if not text:
        raise BackupError(
            "no backup identity here: give --identity-file (the key kept off the servers)"
        )
    return _identity(text)


# ---------------------------------------------------------------- PostgreSQL's tools


def _libpq_env() -> dict[str, str]:
    """The connection as libpq's variables: no password on a command line."""
    db = connection.settings_dict
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _run_tool(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(args, env=_libpq_env(), **kwargs)  # noqa: S603 - our own list
    except FileNotFoundError:
        raise BackupError(f"{args[0]} is not installed (Debian: postgresql-client)") from None


def _dump_postgresql(out: BinaryIO) -> None:
    proc = _run_tool(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    pyrage.encrypt_io(proc.stdout, out, recipients())
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise BackupError(f"pg_dump failed: {err.strip()}")


def _restore_postgresql(encrypted: BinaryIO, key: pyrage.x25519.Identity) -> None:
    """Decrypt straight into pg_restore (a custom-format archive restores from a pipe)."""
    proc = _run_tool(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            str(connection.settings_dict["NAME"]),
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        pyrage.decrypt_io(encrypted, proc.stdin, [key])
    except BrokenPipeError:
        pass  # pg_restore stopped early: its message below says why
    finally:
        if proc.stdin:
            proc.stdin.close()
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if proc.wait() != 0:
        if "not appear to be a valid archive" in err:
            raise BackupError("this is not a PostgreSQL backup; restore it into SQLite")
        raise BackupError(f"pg_restore failed: {err}")


# ---------------------------------------------------------------- SQLite's backup API


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):
        raise BackupError("not a SQLite connection")
    return raw


def _dump_sqlite(out: BinaryIO) -> None:
    copy = sqlite3.connect(":memory:")
    try:
        _raw_sqlite().backup(copy)
        image = copy.serialize()
    finally:
        copy.close()
    pyrage.encrypt_io(io.BytesIO(image), out, recipients())


def _restore_sqlite(encrypted: BinaryIO, key: pyrage.x25519.Identity) -> None:
    plain = io.BytesIO()
    pyrage.decrypt_io(encrypted, plain, [key])
    if not plain.getvalue().startswith(SQLITE_MAGIC):
        raise BackupError("this is not a SQLite backup; restore it into PostgreSQL")
    source = sqlite3.connect(":memory:")
    try:
        source.deserialize(plain.getvalue())
        source.backup(_raw_sqlite())
    finally:
        source.close()


# ---------------------------------------------------------------- the two commands


def _default_path(engine: str) -> Path:
    from sanshi.core import clock

    stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
    kind = "pgdump" if engine == POSTGRESQL else "sqlite3"
    return Path(settings.SANSHI_BACKUP_DIR) / f"sanshi-{stamp}.{kind}.age"


def make_backup(path: Path | None = None) -> Made:
    """Dump the database, encrypted, to `path` (default: a dated file in SANSHI_BACKUP_DIR)."""
    engine = _engine()
    path = path or _default_path(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-", suffix=".age")
    try:
        with os.fdopen(fd, "wb") as out:
            (_dump_postgresql if engine == POSTGRESQL else _dump_sqlite)(out)
            out.flush()
            os.fsync(out.fileno())
        Path(partial).replace(path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Made(path, engine, path.stat().st_size)


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore_backup(path: Path, identity_file: Path | None = None) -> str:
    """Decrypt `path` and load it into this (empty) database; the engine it came from."""
    engine = _engine()
    if not database_is_empty():
        raise BackupError(
            "this database already has tables: restore into a new, empty database "
            "(create it, point DATABASE_URL at it, run `sanshi restore` there)"
        )
    key = identity(identity_file)
    restore = _restore_postgresql if engine == POSTGRESQL else _restore_sqlite
    try:
        with path.open("rb") as handle:
            restore(handle, key)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    except pyrage.DecryptError:
        raise BackupError(f"{path} does not open with this identity, or is damaged") from None
    return engine
