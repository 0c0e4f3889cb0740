from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sanshi.api"
    verbose_name = _("接口")
    label = "api"
