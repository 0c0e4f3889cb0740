"""Indexes earn their keep: every write to a table updates all of its indexes."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db

# The tables one intake writes to (docs/benchmarks.md: an index less is work less per intake).
INTAKE_TABLES = [
    "concerns_concern",
    "concerns_concernevent",
    "audit_auditentry",
    "core_idempotentresponse",
    "intake_open311submission",
]


def _our_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__.startswith("sanshi.") and not model._meta.proxy
    )


def _partial() -> set[str]:
    """Names of indexes and unique constraints with a condition: they hold only some rows."""
    return {
        item.name
        for model in apps.get_models()
        for item in [*model._meta.indexes, *model._meta.constraints]
        if getattr(item, "condition", None) is not None
    }


def _constraints(table: str) -> dict[str, dict[str, Any]]:
    with connection.cursor() as cursor:
        found: dict[str, dict[str, Any]] = connection.introspection.get_constraints(cursor, table)
    return found


def test_no_plain_index_is_the_leading_part_of_another() -> None:
    """A plain index on (a) is redundant next to an index or unique constraint on (a, b): the
    second serves every lookup by a as well."""
    redundant = []
    partial = _partial()
    for table in _our_tables():
        constraints = _constraints(table)
        covering = {
            name: tuple(c["columns"])
            for name, c in constraints.items()
            if (c["index"] or c["unique"]) and c["columns"] and name not in partial
        }
        plain = {
            name: tuple(c["columns"])
            for name, c in constraints.items()
            if c["index"] and not c["unique"] and not c["primary_key"]
        }
        for name, columns in plain.items():
            for other, longer in covering.items():
                if len(longer) > len(columns) and longer[: len(columns)] == columns:
                    redundant.append(f"{table}.{name} {columns}, covered by {other} {longer}")
    assert redundant == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="LIKE indexes are PostgreSQL's")
def test_no_like_index_on_the_tables_intake_writes() -> None:
    """unique=True or db_index=True on a string column also builds a varchar_pattern_ops index
    on PostgreSQL, for LIKE 'prefix%'; nothing searches these tables' columns by prefix."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexdef LIKE %s AND tablename = ANY(%s)",
            ["%pattern_ops%", INTAKE_TABLES],
        )
        assert cursor.fetchall() == []


def test_foreign_keys_a_new_concern_leaves_empty_are_indexed_only_where_set() -> None:
    """member, merged_into and escalated_to are NULL on almost every concern: one partial
    index each (an intake writes no entry into them), and no index of all rows."""
    if connection.vendor == "postgresql":
        sql = "SELECT indexdef FROM pg_indexes WHERE tablename = 'concerns_concern'"
    else:
        sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        sql += " AND tbl_name = 'concerns_concern'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        definitions = [row[0].replace('"', "") for row in cursor.fetchall()]
    found = {}
    for column in ("member_id", "merged_into_id", "escalated_to_id"):
        on_it = [d for d in definitions if d.split(" WHERE ")[0].endswith(f"({column})")]
        found[column] = [d.split(" WHERE ", 1)[-1].strip("()") for d in on_it]
    assert found == {
        "member_id": ["member_id IS NOT NULL"],
        "merged_into_id": ["merged_into_id IS NOT NULL"],
        "escalated_to_id": ["escalated_to_id IS NOT NULL"],
    }
