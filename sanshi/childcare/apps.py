from __future__ import annotations

from django.apps import AppConfig


class ChildcareConfig(AppConfig):
    name = "sanshi.childcare"
    verbose_name = "儿童之家 Childcare"
    default_auto_field = "django.db.models.BigAutoField"
