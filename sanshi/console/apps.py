from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    name = "sanshi.console"
    verbose_name = _("工作台")
    label = "console"
