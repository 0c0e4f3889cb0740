from __future__ import annotations

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "sanshi.triage"
    label = "triage"
