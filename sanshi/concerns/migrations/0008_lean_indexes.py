"""Drop indexes that no query needs and every write paid for.

- Foreign keys whose column leads another index lose their own: concern.division and
  concern.org ((division, received_at) and (org, received_at)), event.concern ((concern, at)),
  break-glass grant.user ((user, concern, expires_at)), SLA notice.concern (sla_notice_once).
- tracking_code and reporter_phone_index are looked up by exact value only: on PostgreSQL
  unique=True / db_index=True also built a varchar_pattern_ops index for LIKE (division_id,
  a string key, had one too). They now have one index each, declared in Meta.
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from sanshi.core.migration_ops import drop_foreign_key_index

DIVISION_LIKE = "concerns_concern_division_id_5af3a70d_like"


def drop_division_like(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f'DROP INDEX IF EXISTS "{DIVISION_LIKE}"')


def make_division_like(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX "{DIVISION_LIKE}" ON "concerns_concern" '
            '("division_id" varchar_pattern_ops)'
        )


def _fk(**kwargs: Any) -> models.ForeignKey:
    return models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0007_division_received_index"),
        ("orgs", "0002_seal_personal_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_foreign_key_index(
            "concern",
            "division",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="orgs.division",
            ),
            table="concerns_concern",
            column="division_id",
            index="concerns_concern_division_id_5af3a70d",
        ),
        migrations.RunPython(drop_division_like, make_division_like),
        drop_foreign_key_index(
            "concern",
            "org",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="concerns",
                to="orgs.org",
            ),
            table="concerns_concern",
            column="org_id",
            index="concerns_concern_org_id_c0b342ea",
        ),
        drop_foreign_key_index(
            "concernevent",
            "concern",
            _fk(related_name="events", to="concerns.concern"),
            table="concerns_concernevent",
            column="concern_id",
            index="concerns_concernevent_concern_id_5d0c6a49",
        ),
        drop_foreign_key_index(
            "breakglassgrant",
            "user",
            _fk(related_name="+", to=settings.AUTH_USER_MODEL),
            table="concerns_breakglassgrant",
            column="user_id",
            index="concerns_breakglassgrant_user_id_fed3cf77",
        ),
        drop_foreign_key_index(
            "slanotice",
            "concern",
            _fk(related_name="sla_notices", to="concerns.concern"),
            table="concerns_slanotice",
            column="concern_id",
            index="concerns_slanotice_concern_id_109d0630",
        ),
        migrations.AlterField(
            model_name="concern",
            name="reporter_phone_index",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(fields=["reporter_phone_index"], name="concern_phone_index"),
        ),
        migrations.AlterField(
            model_name="concern",
            name="tracking_code",
            field=models.CharField(max_length=12),
        ),
        migrations.AddConstraint(
            model_name="concern",
            constraint=models.UniqueConstraint(
                fields=("tracking_code",), name="concern_tracking_code_unique"
            ),
        ),
    ]
