"""`sanshi demo-totp USERNAME`: the current code of a demo account's authenticator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.accounts.models import Authenticator
from sanshi.accounts.twofactor import DEMO_DEVICE


class Command(BaseCommand):
    help = (
        "Print the current 6-digit code of a demo account (only devices made by the demo,"
        " never a real person's authenticator)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        device = (
            Authenticator.objects.filter(user=user, name=DEMO_DEVICE, confirmed=True).first()
            if user
            else None
        )
        if device is None:
            raise CommandError(f"{options['username']}: no demo authenticator")
        self.stdout.write(f"{device.totp().token():0{device.digits}d}")
