"""Turn the plain audit table into a hash chain: number, name and hash the existing rows."""

from django.conf import settings
from django.db import migrations, models


def chain_existing_rows(apps, schema_editor):
    from sanshi.audit.chain import clean_text, normalise_data, row_hash

    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditHead = apps.get_model("audit", "AuditHead")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    names = dict(User.objects.values_list("pk", "username"))
    prev = "0" * 64
    seq = 0
    for entry in AuditEntry.objects.order_by("at", "id").iterator(chunk_size=2000):
        seq += 1
        entry.seq = seq
        entry.actor_name = clean_text(names.get(entry.actor_id, ""))
        entry.data = normalise_data(entry.data or {})
        entry.prev_hash = prev
        entry.hash = row_hash(entry)
        entry.save(update_fields=["seq", "actor_name", "data", "prev_hash", "hash"])
        prev = entry.hash
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default="0" * 64, max_length=64)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_one_head")
                ],
            },
        ),
        migrations.AlterModelOptions(
            name="auditentry",
            options={
                "verbose_name": "审计记录 audit entry",
                "verbose_name_plural": "审计记录 audit entries",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(blank=True, default="", max_length=150),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.BigIntegerField(unique=True),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor_name", "seq"], name="audit_audit_actor_n_eacdd4_idx"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "seq"], name="audit_audit_action_e46ac7_idx"),
        ),
    ]
