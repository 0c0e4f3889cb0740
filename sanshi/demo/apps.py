from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "sanshi.demo"
    label = "demo"
    verbose_name = "北海演示数据 Beihai demo"
