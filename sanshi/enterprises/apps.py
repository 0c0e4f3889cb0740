from __future__ import annotations

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "sanshi.enterprises"
    verbose_name = "新领域妇联与女企业家"
    default_auto_field = "django.db.models.BigAutoField"
