"""`sanshi backup-codes USERNAME --reason ...`: a new set of backup codes, for an admin helping."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.management.base import CommandError

from sanshi.accounts.backup_codes import make_backup_codes
from sanshi.accounts.management.user_command import UserWithReasonCommand
from sanshi.core.errors import Conflict


class Command(UserWithReasonCommand):
    help = (
        "Make a new set of backup codes for a user who has an authenticator (the old set stops"
        " working) and print them, one a line, last. Audited (without the codes)."
    )

    def act(self, user: User, reason: str) -> None:
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
