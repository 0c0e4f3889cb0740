from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "sanshi.network"
    verbose_name = _("执委联系户与走访 (1+10+N)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sanshi.network.conf import every_days

        every_days()  # a malformed SANSHI_VISIT_EVERY_DAYS fails at start, with its name
