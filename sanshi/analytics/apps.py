from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "sanshi.analytics"
    label = "analytics"
    verbose_name = _("统计数据")
