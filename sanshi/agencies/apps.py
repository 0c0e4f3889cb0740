from __future__ import annotations

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "sanshi.agencies"
    verbose_name = "社工机构与项目 Social-work agencies and projects"
    default_auto_field = "django.db.models.BigAutoField"
