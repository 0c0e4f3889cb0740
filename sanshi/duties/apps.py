from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "sanshi.duties"
    verbose_name = _("执委履职积分、述职评议与素质提升培训")
    default_auto_field = "django.db.models.BigAutoField"
