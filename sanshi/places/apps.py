from __future__ import annotations

from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "sanshi.places"
    verbose_name = "阵地与活动 Places and activities"
    default_auto_field = "django.db.models.BigAutoField"
