from __future__ import annotations

from django.apps import AppConfig


class AnswersConfig(AppConfig):
    name = "sanshi.answers"
    verbose_name = "答复库 Ready answers"
    default_auto_field = "django.db.models.BigAutoField"
