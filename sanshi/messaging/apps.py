from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "sanshi.messaging"
    verbose_name = _("居民短信")
    default_auto_field = "django.db.models.BigAutoField"
