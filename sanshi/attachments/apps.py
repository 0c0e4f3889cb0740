from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "sanshi.attachments"
    verbose_name = _("附件管理")
    default_auto_field = "django.db.models.BigAutoField"
