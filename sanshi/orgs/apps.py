from __future__ import annotations

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "sanshi.orgs"
    label = "orgs"
    verbose_name = "组织与人员 Organisations and people"
