from __future__ import annotations

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "sanshi.messaging"
    verbose_name = "居民短信 Messages to residents"
    default_auto_field = "django.db.models.BigAutoField"
