"""The dashboard in Chromium for a leader, a city admin and a community chair: charts drawn,
no CSP violation, drill-down, figures equal the live computation from the events."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from sanshi.analytics import rollups
from sanshi.analytics.assets import TARGET
from sanshi.analytics.dashboard import figure
from sanshi.analytics.selectors import rates_for_org
from sanshi.analytics.tests.test_dashboard import TODAY, YEAR
from sanshi.analytics.tests.test_rates import _build
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
CHARTS = ("trend", "funnel", "category", "sanshi", "channel")


@pytest.fixture(autouse=True, scope="module")
def _sync_playwright_beside_the_orm() -> Iterator[None]:
    # Playwright's sync API runs an event loop in this thread; set for this module only (set
    # at import it leaks into the `check --deploy` subprocess of another test).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(autouse=True)
def _echarts_installed() -> None:
    if not TARGET.exists():
        pytest.fail("echarts is not installed: run `make assets` (sanshi fetch-assets)")


def _open(browser: Any, live_server: Any, username: str, label: str) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.on("pageerror", lambda e: blocked.append(f"error: {e}"))
    page.goto(live_server.url + "/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.goto(live_server.url + "/console/dashboard/")
    return page, blocked


def _drawn(page: Any, names: tuple[str, ...]) -> None:
    for name in names:
        chart = page.locator(f'[data-chart="{name}"]')
        chart.locator("svg").first.wait_for(state="attached", timeout=10000)
        assert chart.get_attribute("data-drawn") == "1", name


def _shot(page: Any, label: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-{label}.png"), full_page=True)


def _tile(page: Any, name: str) -> tuple[str, str]:
    tile = page.locator(f'.tile[data-rate="{name}"]')
    return tile.locator(".t-value").inner_text(), tile.locator(".t-counts").inner_text()


@pytest.mark.django_db(transaction=True)
def test_three_people_open_the_dashboard(chromium: Any, live_server: Any, world: World) -> None:
    _build(world)
    rollups.refresh()
    with time_machine.travel(TODAY + dt.timedelta(hours=1), tick=True):
        # The city admin: full figures, drill-down city -> county -> township -> community.
        page, blocked = _open(chromium, live_server, "city_staff", "city")
        _drawn(page, (*CHARTS, "children"))
        live = rates_for_org(world.city, *YEAR)
        for name in ("response", "resolution", "satisfaction", "on_time", "returned", "reopened"):
            f = figure(getattr(live, name), False)
            assert _tile(page, name) == (f.percent, f.counts), name
        _shot(page, "city-staff")
        for org in (world.county, world.township, world.community):
            with page.expect_navigation():
                page.click(f'#table-children a.drill[href="?org={org.pk}"]')
            assert page.locator("#board-title").inner_text().startswith(org.name)
            _drawn(page, CHARTS)
            f = figure(rates_for_org(org, *YEAR).response, False)
            assert _tile(page, "response") == (f.percent, f.counts), org.name
        assert page.locator("#table-children").count() == 0  # a community has no children
        _shot(page, "community-via-drill-down")
        assert blocked == []

        # The community chair: her own community.
        page, blocked = _open(chromium, live_server, "chair", "chair")
        _drawn(page, CHARTS)
        assert page.locator("#board-title").inner_text().startswith(world.community.name)
        f = figure(rates_for_org(world.community, *YEAR).response, False)
        assert _tile(page, "response") == (f.percent, f.counts) == ("50.0%", "2/4")
        _shot(page, "community-chair")
        assert blocked == []

        # The leader: de-identified (2 of 5 responded: the 2 is under 5).
        page, blocked = _open(chromium, live_server, "leader", "leader")
        _drawn(page, (*CHARTS, "children"))
        assert _tile(page, "response") == ("<5", "<5/5")
        assert "去标识" in page.inner_text("main")
        _shot(page, "leader")
        assert blocked == []
