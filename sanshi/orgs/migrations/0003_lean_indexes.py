"""Drop the index of a foreign key whose column leads another index (see
sanshi.core.migration_ops.drop_foreign_key_index and sanshi/core/tests/test_indexes.py)."""

import django.db.models.deletion
from django.db import migrations, models

from sanshi.core.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_seal_personal_data"),
    ]

    operations = [
        drop_foreign_key_index(
            "membership",
            "person",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="orgs.person",
            ),
            table="orgs_membership",
            column="person_id",
            index="orgs_membership_person_id_2c23c9b6",
        ),
        drop_foreign_key_index(
            "org",
            "parent",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="children",
                to="orgs.org",
            ),
            table="orgs_org",
            column="parent_id",
            index="orgs_org_parent_id_79ba1bbf",
        ),
    ]
