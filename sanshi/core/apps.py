from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "sanshi.core"
    label = "core"
    verbose_name = _("系统基础")

    def ready(self) -> None:
        from sanshi.core import checks  # noqa: F401  registers the checks
