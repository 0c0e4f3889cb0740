"""`sanshi reset-2fa USERNAME --reason ...`: remove a user's authenticators and backup codes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.accounts.twofactor import reset_second_factor


class Command(BaseCommand):
    help = (
        "Remove a user's authenticators and backup codes; they set up a new authenticator at"
        " their next login. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why (kept in the audit chain)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"{options['username']}: no such user")
        reason = options["reason"].strip()
        if not reason:
            raise CommandError("--reason must not be empty")
        removed = reset_second_factor(user, actor=None, reason=reason)
        self.stdout.write(
            f"{user.get_username()}: removed {removed.authenticators} authenticator(s)"
            f" and {removed.backup_codes} unused backup code(s)"
        )
