from __future__ import annotations

from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "sanshi.volunteers"
    verbose_name = "巾帼志愿者 Volunteers"
    default_auto_field = "django.db.models.BigAutoField"
