"""Re-seal every encrypted value under the current key (after a key is added first in the ring)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from sanshi.core.crypto import sealer
from sanshi.core.fields import _Sealed
from sanshi.core.types import Progress


@dataclass(frozen=True)
class SealedTable:
    table: str
    label: str
    pk: str
    columns: tuple[str, ...]


def sealed_tables() -> Iterator[SealedTable]:
    """Every table with encrypted columns, found from the models."""
    for model in apps.get_models():
        columns = tuple(f.column for f in model._meta.concrete_fields if isinstance(f, _Sealed))
        if columns:
            meta = model._meta
            pk = meta.pk
            if isinstance(pk, models.Field):
                yield SealedTable(meta.db_table, meta.label_lower, pk.column, columns)


def _stale_batch(t: SealedTable, prefix: str, after: int, size: int) -> list[tuple[Any, ...]]:
    q = connection.ops.quote_name
    stale = " OR ".join(f"({q(c)} <> '' AND {q(c)} NOT LIKE %s)" for c in t.columns)
    sql = (
        f"SELECT {q(t.pk)}, {', '.join(q(c) for c in t.columns)} FROM {q(t.table)} "  # noqa: S608
        f"WHERE {q(t.pk)} > %s AND ({stale}) ORDER BY {q(t.pk)} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [after, *[prefix + "%"] * len(t.columns), size])
        return list(cursor.fetchall())


def rotate_table(t: SealedTable, *, batch: int, progress: Progress | None) -> int:
    """Re-seal one table batch by batch; each batch commits, so an interruption loses nothing."""
    s = sealer()
    q = connection.ops.quote_name
    done, after = 0, 0
    while rows := _stale_batch(t, s.current_prefix, after, batch):
        with transaction.atomic():
            for row in rows:
                values = []
                for column, value in zip(t.columns, row[1:], strict=True):
                    aad = f"{t.label}.{column}"
                    text = str(value) if value else ""
                    stale = text and not text.startswith(s.current_prefix)
                    values.append(s.seal(s.open(text, aad), aad) if stale else text)
                assignments = ", ".join(f"{q(c)} = %s" for c in t.columns)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {q(t.table)} SET {assignments} WHERE {q(t.pk)} = %s",  # noqa: S608
                        [*values, row[0]],
                    )
        done += len(rows)
        after = rows[-1][0]
        if progress is not None:
            progress.write(f"  {t.label}: {done} re-sealed\n")
    return done
