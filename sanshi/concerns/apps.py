from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConcernsConfig(AppConfig):
    name = "sanshi.concerns"
    label = "concerns"
    verbose_name = _("诉求办理")
