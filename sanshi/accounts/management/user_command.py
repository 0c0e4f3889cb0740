"""The shape of the admin commands about one user's second factor: USERNAME --reason ..."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser


class UserWithReasonCommand(BaseCommand, ABC):
    """Finds the user and checks the reason (kept in the audit chain); `act` does the rest."""

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
        self.act(user, reason)

    @abstractmethod
    def act(self, user: User, reason: str) -> None:
        """What the command does for this user, for this reason."""
