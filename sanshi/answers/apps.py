from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    name = "sanshi.answers"
    verbose_name = _("答复库")
    default_auto_field = "django.db.models.BigAutoField"
