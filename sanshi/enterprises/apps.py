from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "sanshi.enterprises"
    verbose_name = _("新领域妇联与女企业家")
    default_auto_field = "django.db.models.BigAutoField"
