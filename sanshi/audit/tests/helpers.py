"""Tampering with the audit table the way someone with database access would: raw SQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection

from sanshi.audit.actions import record_audit
from sanshi.audit.models import AuditEntry

TABLE = AuditEntry._meta.db_table


def rows(count: int, actor: Any = None) -> list[AuditEntry]:
    return [record_audit(actor, "test.row", "thing", n, {"n": n}) for n in range(1, count + 1)]


def sql(statement: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return int(cursor.rowcount)


def raw_update(seq: int, column: str, value: Any) -> None:
    assert sql(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [value, seq]) == 1  # noqa: S608


def raw_delete(*seqs: int) -> None:
    marks = ", ".join(["%s"] * len(seqs))
    assert sql(f"DELETE FROM {TABLE} WHERE seq IN ({marks})", list(seqs)) == len(seqs)  # noqa: S608


def raw_insert(
    seq: int,
    *,
    prev_hash: str,
    hash: str,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    object_id: str = "x",
) -> None:
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    statement = (
        f"INSERT INTO {TABLE} (seq, at, actor_id, actor_name, action, object_type, object_id,"  # noqa: S608
        f" data, prev_hash, hash) VALUES (%s, %s, NULL, '', 'test.row', 'thing', %s, {json_param}, %s, %s)"
    )
    when = at or dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert sql(statement, [seq, when, object_id, json.dumps(data or {}), prev_hash, hash]) == 1
