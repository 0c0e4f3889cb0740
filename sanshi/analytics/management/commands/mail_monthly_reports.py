"""`sanshi mail-monthly-reports`: run daily; on a month's first working day, mails last month's
report to each chair (once each, however many times it runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from sanshi.analytics.tasks import send_monthly_reports


class Command(BaseCommand):
    help = "Mail last month's report to each chair on the first working day of the month."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_monthly_reports(timezone.localdate())
        self.stdout.write(f"monthly reports mailed: {sent}")
