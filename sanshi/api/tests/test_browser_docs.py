"""The API's browsable docs in a real browser: Swagger UI runs under the site's Content
Security Policy and lists every operation of the OpenAPI document."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread (see the console's browser tests).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_swagger_ui_lists_every_operation_under_the_sites_policy(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    # As in the OpenAPI document (6: network, 4: agencies and duties, 3: attachments,
    # 4: volunteers).
    assert page.locator(".opblock").count() == 31 + 6 + 4 + 3 + 4
    assert page.locator(".opblock-summary-path", has_text="/api/v1/concerns").count() >= 1
    assert refused == []
