"""`sanshi retention`: anonymise concerns closed longer ago than SANSHI_RETENTION_YEARS."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sanshi.concerns.actions import anonymise_concern
from sanshi.concerns.models import Concern, Status
from sanshi.core import clock


class Command(BaseCommand):
    help = "Anonymise closed concerns past the retention period; safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=None, help="override the retention years")
        parser.add_argument("--batch", type=int, default=200)

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] or settings.SANSHI_RETENTION_YEARS
        cutoff = clock.now() - dt.timedelta(days=round(365.25 * years))
        due = Concern.objects.filter(
            status=Status.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
        ).order_by("pk")
        total = due.count()
        done = 0
        self.stdout.write(
            f"retention: {total} concerns closed before {cutoff:%Y-%m-%d} to anonymise"
        )
        while ids := list(due.values_list("pk", flat=True)[: options["batch"]]):
            for concern in Concern.objects.filter(pk__in=ids):
                done += anonymise_concern(concern)
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {done}/{total}")
        self.stdout.write(f"retention: {done} anonymised")
