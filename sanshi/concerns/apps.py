from __future__ import annotations

from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "sanshi.concerns"
    label = "concerns"
    verbose_name = "诉求 Concerns"
