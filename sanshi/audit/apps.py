from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sanshi.audit"
    label = "audit"
    verbose_name = "审计 Audit"
