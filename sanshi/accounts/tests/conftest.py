from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

# Where each of our middlewares goes: after the named one (None: at the end).
OURS = [
    ("sanshi.core.middleware.CSPMiddleware", "django.middleware.security.SecurityMiddleware"),
    (
        "sanshi.accounts.middleware.IdleSessionMiddleware",
        "sanshi.core.middleware.AuthenticationMiddleware",
    ),
    ("sanshi.core.middleware.OTPMiddleware", "sanshi.accounts.middleware.IdleSessionMiddleware"),
    ("sanshi.accounts.middleware.SecondFactorMiddleware", "sanshi.core.middleware.OTPMiddleware"),
    ("axes.middleware.AxesMiddleware", None),
]


def with_security_middleware(middleware: list[str]) -> list[str]:
    result = list(middleware)
    for name, after in OURS:
        if name in result:
            continue
        result.insert(result.index(after) + 1 if after else len(result), name)
    return result


@pytest.fixture(autouse=True)
def _security_on(settings: Any) -> None:
    """These tests are about the protections: switch them all on, whatever the suite default."""
    settings.MIDDLEWARE = with_security_middleware(settings.MIDDLEWARE)
    settings.ROOT_URLCONF = "sanshi.accounts.tests.urls"
    settings.SANSHI_2FA_REQUIRED = True
    settings.SANSHI_SESSION_IDLE_MINUTES = 30
    settings.AXES_ENABLED = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
