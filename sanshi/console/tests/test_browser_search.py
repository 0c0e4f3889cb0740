"""Search results page by page in a real browser: next, back to the first, nothing twice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sanshi.console.tests import helpers as h
from sanshi.console.tests.test_browser_console import DESKTOP, Person
from sanshi.console.views import search as search_views
from sanshi.testing import World

SHOTS = Path(__file__).resolve().parents[3] / "screenshots"
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _rows(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#results tr[data-concern]", "els => els.map(e => e.dataset.concern)"
    )


def test_the_dispatcher_pages_through_her_results(
    chromium: Any, live_server: Any, world: World, monkeypatch: Any
) -> None:
    monkeypatch.setattr(search_views, "PAGE_SIZE", 2)
    made = [str(h.received(world).pk) for _ in range(5)]
    dispatcher = Person(chromium, live_server.url, "dispatcher", DESKTOP)
    dispatcher.login("dispatcher")
    page = dispatcher.go("/console/search/?q=")
    seen = _rows(page)
    assert page.locator("#first-page").count() == 0
    while page.locator("#next-page").count():
        with page.expect_navigation():
            page.click("#next-page")
        seen += _rows(page)
        if len(seen) == 4:
            assert page.inner_text("#result-count") == "本页 2 件，后面还有"
            dispatcher.shot("search-second-page")
    assert seen == made[::-1]
    assert page.inner_text("#result-count") == "本页 1 件"
    with page.expect_navigation():
        page.click("#first-page")
    assert _rows(page) == made[:2:-1]
    assert dispatcher.blocked == []
    dispatcher.close()
