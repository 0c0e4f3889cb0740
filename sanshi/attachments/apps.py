from __future__ import annotations

from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "sanshi.attachments"
    verbose_name = "附件 Attachments"
    default_auto_field = "django.db.models.BigAutoField"
