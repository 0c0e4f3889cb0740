"""`sanshi backup-codes USERNAME --reason ...`: a new set of backup codes, for an admin helping."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.accounts.backup_codes import make_backup_codes
from sanshi.core.errors import Conflict


class Command(BaseCommand):
    help = (
        "Make a new set of backup codes for a user who has an authenticator (the old set stops"
        " working) and print them, one a line, last. Audited (without the codes)."
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
        try:
            codes = make_backup_codes(user, actor=None, data={"reason": reason})
        except Conflict as exc:
            raise CommandError(
                f"{exc.message}: they set one up at their next login and get codes with it"
            ) from None
        self.stdout.write(
            f"{user.get_username()}: {len(codes)} new backup codes; the old ones no longer work."
            " Hand them over in person; each works once:"
        )
        for code in codes:
            self.stdout.write(code)
