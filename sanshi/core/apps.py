from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sanshi.core"
    label = "core"
    verbose_name = "sanshi core"

    def ready(self) -> None:
        from sanshi.core import checks  # noqa: F401  registers the checks
