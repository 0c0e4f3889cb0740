from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanshi.testing import World, build_world


@pytest.fixture(autouse=True)
def _fast_and_immediate(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # {% static %} without a collectstatic manifest
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SANSHI_2FA_REQUIRED = False  # 2FA has its own tests in sanshi/accounts
    settings.SANSHI_SESSION_IDLE_MINUTES = 0  # off: tests travel in time with a session open


@pytest.fixture(autouse=True)
def _fresh_reference_data() -> Iterator[None]:
    """Each test reads reference data afresh (a rolled-back test sends no signals)."""
    from sanshi.core.refcache import ReferenceCache

    ReferenceCache.forget_all()
    yield
    ReferenceCache.forget_all()


@pytest.fixture
def world(db: None) -> World:
    """The small tree with one persona per role (see sanshi.testing)."""
    return build_world()


@pytest.fixture
def guangxi(db: None) -> None:
    """Official divisions of Guangxi (450000) only: enough for Beihai, quick to load."""
    from sanshi.orgs.division_import import import_divisions

    import_divisions(provinces=["450000"])


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright's sync API: one per test module. A
    test that uses it is skipped, saying why, where Chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark browser and demo tests, so that CI's second database pass can leave them out:
    they test pages and demo content, which do not depend on the database."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.nodeid.startswith("sanshi/demo/tests/"):
            item.add_marker(pytest.mark.demo)
