"""`sanshi generate-volume --concerns N`: realistic concerns in bulk, for measuring at scale."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanshi.analytics.volume import generate


class Command(BaseCommand):
    help = (
        "Write N concerns with their events over three years across the Guangxi tree "
        "(bulk inserts, not through the actions: no audit rows). For benchmarks only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concerns", type=int, required=True)
        parser.add_argument("--seed", type=int, default=21)
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["concerns"] < 1 or options["batch"] < 1:
            raise CommandError("--concerns and --batch must be positive")
        try:
            result = generate(
                options["concerns"],
                seed=options["seed"],
                batch=options["batch"],
                say=lambda line: self.stdout.write(line),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"generate-volume: {result.concerns} concerns, {result.events} events in "
            f"{result.seconds:.1f} s ({result.per_second:.0f} concerns/s)"
        )
