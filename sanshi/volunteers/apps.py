from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "sanshi.volunteers"
    verbose_name = _("巾帼志愿服务")
    default_auto_field = "django.db.models.BigAutoField"
