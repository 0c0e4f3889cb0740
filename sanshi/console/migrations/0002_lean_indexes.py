"""Drop the index of a foreign key whose column leads another index (see
sanshi.core.migration_ops.drop_foreign_key_index and sanshi/core/tests/test_indexes.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sanshi.core.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_foreign_key_index(
            "savedfilter",
            "user",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="saved_filters",
                to=settings.AUTH_USER_MODEL,
            ),
            table="console_savedfilter",
            column="user_id",
            index="console_savedfilter_user_id_3fbd3d6d",
        ),
    ]
