"""`sanshi backup`: an encrypted dump of the whole database (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Dump the database, encrypted to the backup recipients, to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="file to write (default: a dated file in SANSHI_BACKUP_DIR)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = make_backup(options["output"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written: {made.path} ({made.size:,} bytes, encrypted)")
