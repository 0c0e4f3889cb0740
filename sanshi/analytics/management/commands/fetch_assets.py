"""`sanshi fetch-assets`: install the dashboard's chart library (run by make demo / make test)."""

from __future__ import annotations

from typing import Any
from urllib.error import URLError

from django.core.management.base import BaseCommand, CommandError

from sanshi.analytics import assets


class Command(BaseCommand):
    help = "Fetch Apache ECharts (pinned version and sha512) from the npm registry into static."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fetched = assets.fetch_echarts()
        except (assets.AssetError, URLError, OSError) as exc:
            raise CommandError(
                f"could not install echarts {assets.ECHARTS_VERSION}: {exc}"
            ) from exc
        state = "fetched" if fetched else "already there"
        self.stdout.write(f"echarts {assets.ECHARTS_VERSION}: {state} ({assets.TARGET.name})")
