"""Helpers for data migrations that start sealing a column that held clear text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

SEALED = re.compile(r"^[AS]:[A-Za-z0-9]+:")


def seal_columns(table: str, label: str, columns: list[str]) -> Callable[[Any, Any], None]:
    """A RunPython function sealing clear values of `columns` in `table` (model `label`)."""

    def run(apps: Any, schema_editor: Any) -> None:
        from sanshi.core.crypto import sealer

        connection = schema_editor.connection
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)}")  # noqa: S608
            rows = cursor.fetchall()
            for row in rows:
                updates = {
                    column: sealer().seal(str(value), f"{label}.{column}")
                    for column, value in zip(columns, row[1:], strict=True)
                    if value and not SEALED.match(str(value))
                }
                if updates:
                    assignments = ", ".join(f"{quote(c)} = %s" for c in updates)
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                        [*updates.values(), row[0]],
                    )

    return run
