from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "sanshi.intake"
    verbose_name = _("诉求受理渠道")
    label = "intake"
