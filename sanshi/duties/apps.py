from __future__ import annotations

from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "sanshi.duties"
    verbose_name = "执委履职积分、述职评议与素质提升培训"
    default_auto_field = "django.db.models.BigAutoField"
