from __future__ import annotations

from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "sanshi.network"
    verbose_name = "执委联系户与走访 (1+10+N)"
    default_auto_field = "django.db.models.BigAutoField"
