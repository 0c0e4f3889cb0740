"""Foreign keys that few concerns set (member card, merged into, escalated to) are indexed
only where set: a new concern leaves all three empty, and its INSERT no longer writes an
entry for each into three indexes of NULLs. A lookup by value (the reverse relations, the
checks when a person, concern or org is deleted) is served by the partial index as before.
"""

import django.db.models.deletion
from django.db import migrations, models

from sanshi.core.migration_ops import drop_foreign_key_index


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0008_lean_indexes"),
        ("orgs", "0002_seal_personal_data"),
    ]

    operations = [
        drop_foreign_key_index(
            "concern",
            "member",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="card_concerns",
                to="orgs.person",
            ),
            table="concerns_concern",
            column="member_id",
            index="concerns_concern_member_id_8a3b7afa",
        ),
        drop_foreign_key_index(
            "concern",
            "merged_into",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged",
                to="concerns.concern",
            ),
            table="concerns_concern",
            column="merged_into_id",
            index="concerns_concern_merged_into_id_644a715c",
        ),
        drop_foreign_key_index(
            "concern",
            "escalated_to",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.org",
            ),
            table="concerns_concern",
            column="escalated_to_id",
            index="concerns_concern_escalated_to_id_ae3b8d82",
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("member__isnull", False)),
                fields=["member"],
                name="concern_member_set",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="concern_merged_into_set",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("escalated_to__isnull", False)),
                fields=["escalated_to"],
                name="concern_escalated_to_set",
            ),
        ),
    ]
