from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sanshi.accounts"
    label = "accounts"
    verbose_name = _("账号与登录")

    def ready(self) -> None:
        from sanshi.accounts import signals

        signals.connect()
