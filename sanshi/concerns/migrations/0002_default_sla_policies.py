from django.db import migrations


def add_defaults(apps, schema_editor):
    from sanshi.concerns.sla import DEFAULT_POLICIES

    SlaPolicy = apps.get_model("concerns", "SlaPolicy")
    for urgency, values in DEFAULT_POLICIES.items():
        SlaPolicy.objects.get_or_create(urgency=str(urgency), category="", defaults=values)


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
