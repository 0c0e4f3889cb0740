"""`sanshi open311-key create NAME` (prints the key on its last line), `list`, `revoke NAME`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.core.errors import SanshiError
from sanshi.intake.actions import create_open311_key, revoke_open311_key
from sanshi.intake.models import Open311Key


class Command(BaseCommand):
    help = "Issue, list and revoke Open311 client keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a key; the key is printed on the last line")
        create.add_argument("name")
        sub.add_parser("list", help="list keys (never the keys themselves)")
        revoke = sub.add_parser("revoke", help="stop accepting a key")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            try:
                issued = create_open311_key(options["name"])
            except SanshiError as exc:
                raise CommandError(exc.message) from None
            self.stderr.write(f"Open311 key {issued.key.name!r} created; it is shown only once:")
            self.stdout.write(issued.raw)
        elif action == "list":
            for key in Open311Key.objects.order_by("name"):
                state = "active" if key.active else "revoked"
                self.stdout.write(f"{key.name}\t{key.prefix}…\t{state}\t{key.created_at:%Y-%m-%d}")
        else:
            found = Open311Key.objects.filter(name=options["name"]).first()
            if found is None:
                raise CommandError(f"no key named {options['name']!r}")
            revoke_open311_key(found)
            self.stdout.write(f"revoked {found.name}")
