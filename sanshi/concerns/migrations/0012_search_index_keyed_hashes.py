"""search_text: from the text in clear to keyed hashes of its words (sanshi.concerns.search).

Rebuilds the index of every concern that is not protected from its sealed text, which stays
the only copy; protected ones keep an empty index. Going back leaves the hashes (the clear
text is not written again).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

def rebuild(apps: Any, schema_editor: Any) -> None:
    from sanshi.concerns.search import rebuild_index

    rebuild_index(apps.get_model("concerns", "Concern"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0011_protect_critical"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
