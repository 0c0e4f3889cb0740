from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "sanshi.agencies"
    verbose_name = _("社工机构与项目")
    default_auto_field = "django.db.models.BigAutoField"
