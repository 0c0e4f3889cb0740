from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sanshi.accounts"
    label = "accounts"
    verbose_name = "账号与登录 Accounts"

    def ready(self) -> None:
        from sanshi.accounts import signals

        signals.connect()
