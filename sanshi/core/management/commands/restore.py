"""`sanshi restore FILE`: load an encrypted backup into a new, empty database, then check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `sanshi backup` into this empty database and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--identity-file", type=Path, help="the age identity that opens the backup"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore_backup(options["file"], options["identity_file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored {options['file']}; checking the audit chain")
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
