from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sanshi.core"
    label = "core"
    verbose_name = "sanshi core"
