"""`sanshi reset-2fa USERNAME --reason ...`: remove a user's authenticators and backup codes."""

from __future__ import annotations

from django.contrib.auth.models import User

from sanshi.accounts.management.user_command import UserWithReasonCommand
from sanshi.accounts.twofactor import reset_second_factor


class Command(UserWithReasonCommand):
    help = (
        "Remove a user's authenticators and backup codes; they set up a new authenticator at"
        " their next login. Audited."
    )

    def act(self, user: User, reason: str) -> None:
        removed = reset_second_factor(user, actor=None, reason=reason)
        self.stdout.write(
            f"{user.get_username()}: removed {removed.authenticators} authenticator(s)"
            f" and {removed.backup_codes} unused backup code(s)"
        )
