"""Drop the index of a foreign key whose column leads another index (see
sanshi.core.migration_ops.drop_foreign_key_index and sanshi/core/tests/test_indexes.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sanshi.core.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_foreign_key_index(
            "notification",
            "user",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
            ),
            table="notifications_notification",
            column="user_id",
            index="notifications_notification_user_id_b5e8c0ff",
        ),
    ]
