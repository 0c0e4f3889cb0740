"""`sanshi fetch-assets`: the dashboard's chart library and the tests' axe-core (make demo / test)."""

from __future__ import annotations

from typing import Any
from urllib.error import URLError

from django.core.management.base import BaseCommand, CommandError

from sanshi.analytics import assets


class Command(BaseCommand):
    help = (
        "Fetch Apache ECharts into static and axe-core for the browser tests (pinned versions "
        "and sha512) from the npm registry."
    )
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
        try:
            fetched = assets.fetch_axe()
        except (assets.AssetError, URLError, OSError) as exc:
            raise CommandError(f"could not install axe-core {assets.AXE_VERSION}: {exc}") from exc
        state = "fetched" if fetched else "already there"
        self.stdout.write(f"axe-core {assets.AXE_VERSION}: {state} (browser tests only)")
