"""Drop the index of a foreign key whose column leads another index (see
sanshi.core.migration_ops.drop_foreign_key_index and sanshi/core/tests/test_indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models

from sanshi.core.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_seal_idempotent_body"),
    ]

    operations = [
        drop_foreign_key_index(
            "idempotentresponse",
            "token",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="api.apitoken",
            ),
            table="api_idempotentresponse",
            column="token_id",
            index="api_idempotentresponse_token_id_faf08d98",
        ),
    ]
