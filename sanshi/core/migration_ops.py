"""Migration operations Django has no short form for."""

from __future__ import annotations

from django.db import migrations, models


def drop_foreign_key_index(
    model_name: str, name: str, field: models.Field, *, table: str, column: str, index: str
) -> migrations.SeparateDatabaseAndState:
    """db_index=False on a foreign key whose column leads another index: drop only its index.

    Django's own AlterField would also drop the foreign key constraint and add it again,
    which checks every row of the table. `index` is the name Django gave the index (the same
    on SQLite and PostgreSQL); the reverse builds it again.
    """
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunSQL(
                sql=f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
            )
        ],
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
    )
