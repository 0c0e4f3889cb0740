"""The API's limits: from settings when the lead's settings define them, else the environment."""

from __future__ import annotations

from django.conf import settings

from sanshi.env import env_int

DEFAULT_RATE = 600  # requests per minute per token
DEFAULT_MAX_BODY = 64 * 1024  # bytes; a 4,000-character concern is under 12 KiB of JSON


def rate_per_minute() -> int:
    """Requests a token may make per minute (SANSHI_API_RATE); 0 turns the limit off."""
    value = getattr(settings, "SANSHI_API_RATE", None)
    if value is None:
        value = env_int("SANSHI_API_RATE", DEFAULT_RATE, minimum=0)
    return int(value)


def max_body_bytes() -> int:
    """The largest request body accepted (SANSHI_API_MAX_BODY); larger ones get 413."""
    value = getattr(settings, "SANSHI_API_MAX_BODY", None)
    if value is None:
        value = env_int("SANSHI_API_MAX_BODY", DEFAULT_MAX_BODY, minimum=1024)
    return int(value)
