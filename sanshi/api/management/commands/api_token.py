"""`sanshi api-token USERNAME [--name NAME]`: issue an API token; it is the last line printed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.api.actions import issue_api_token
from sanshi.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Issue a bearer token for the JSON API; the token is printed once, on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for (default: cli)")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = (
            get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        )
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            token, raw = issue_api_token(user, name=options["name"] or "cli")
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"token {token.name!r} for {username} (id {token.pk}); it is shown only now:"
        )
        self.stdout.write(raw)
