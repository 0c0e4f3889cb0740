"""`sanshi rotate-keys`: re-seal personal data under the first key of SANSHI_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanshi.core.crypto import sealer
from sanshi.core.rotation import rotate_table, sealed_tables


class Command(BaseCommand):
    help = (
        "Re-encrypt every sealed value under the current key, in batches; safe to interrupt and"
        " run again (it resumes with what is still under an older key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = self.stdout if options["verbosity"] >= 1 else None
        total = 0
        self.stdout.write(f"rotate-keys: sealing under {sealer().current_prefix.rstrip(':')}")
        for table in sealed_tables():
            total += rotate_table(table, batch=max(1, options["batch"]), progress=progress)
        self.stdout.write(f"rotate-keys: {total} rows re-sealed")
