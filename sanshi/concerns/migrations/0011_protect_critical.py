"""Critical means protected (issue 19): protect the critical concerns taken in before the rule."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def protect_critical(apps: Any, schema_editor: Any) -> None:
    concern = apps.get_model("concerns", "Concern")
    concern.objects.filter(urgency="critical", protected=False).update(
        protected=True, search_text=""
    )


class Migration(migrations.Migration):
    dependencies = [("concerns", "0010_danger_check")]

    operations = [migrations.RunPython(protect_critical, migrations.RunPython.noop)]
