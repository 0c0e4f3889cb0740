from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "sanshi.triage"
    verbose_name = _("智能分诊")
    label = "triage"
