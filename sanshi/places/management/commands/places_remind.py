"""Text everyone confirmed for an activity that starts within the next day, once each.

Run it every few minutes (cron or a timer); two runs at once remind nobody twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanshi.places.actions import send_reminders


class Command(BaseCommand):
    help = "Send reminders for activities starting within --hours hours (default 24)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24)

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders(within=dt.timedelta(hours=options["hours"]))
        self.stdout.write(f"reminded {sent}")
