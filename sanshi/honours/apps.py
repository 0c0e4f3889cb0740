from __future__ import annotations

from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "sanshi.honours"
    verbose_name = "荣誉与工作室 Honours"
    default_auto_field = "django.db.models.BigAutoField"
