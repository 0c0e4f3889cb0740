from __future__ import annotations

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "sanshi.analytics"
    label = "analytics"
    verbose_name = "统计 Analytics"
