"""System checks of our own, run by `sanshi check` (and `--deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string


@register(Tags.security, deploy=True)
def csrf_middleware(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """CSRF protection is on: Django's middleware or a subclass of it (sanshi's skips the
    token-authenticated API and Open311, which never use a session). Django's own check
    (security.W003, silenced in settings) looks only for its exact class path."""
    for path in settings.MIDDLEWARE:
        if issubclass(import_string(path), CsrfViewMiddleware):
            return []
    return [
        Error(
            "no CSRF middleware: add sanshi.core.middleware.CsrfViewMiddleware to MIDDLEWARE",
            id="sanshi.E001",
        )
    ]
