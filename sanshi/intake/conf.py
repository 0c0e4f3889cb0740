"""Settings of the intake app, read from Django settings with environment fallbacks.

The lead owns settings.py; until these names are there, the environment (or the defaults)
decide, and tests override them with pytest-django's `settings` fixture.
"""

from __future__ import annotations

from django.conf import settings

from sanshi.env import env_int, env_str


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default, minimum=0)


def _str(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    return str(value) if value is not None else env_str(name, default)


def open311_jurisdiction() -> str:
    return _str("SANSHI_OPEN311_JURISDICTION", "sanshi")


def open311_rate() -> int:
    """Open311 requests per minute per key; 0 turns the limit off."""
    return _int("SANSHI_OPEN311_RATE", 600)


def open311_contact() -> str:
    return _str("SANSHI_OPEN311_CONTACT", "")


def form_rate_per_ip() -> int:
    """Concerns one IP address may submit per hour."""
    return _int("SANSHI_INTAKE_IP_RATE", 20)


def form_rate_per_phone() -> int:
    """Concerns one phone number may submit per hour."""
    return _int("SANSHI_INTAKE_PHONE_RATE", 5)


def track_misses_per_ip() -> int:
    """Unknown tracking codes one IP may try per 10 minutes before it is told to wait."""
    return _int("SANSHI_TRACK_MISS_RATE", 10)


def track_rate_per_ip() -> int:
    """Tracking page views (hits and misses) one IP may make per minute."""
    return _int("SANSHI_TRACK_RATE", 60)


def intake_area() -> str:
    """The division the site serves first in its picker (Beihai by default)."""
    return _str("SANSHI_INTAKE_AREA", "450500")


def quick_exit_url() -> str:
    """The neutral site the quick-exit button leaves for (an ordinary search page)."""
    url = _str("SANSHI_QUICK_EXIT_URL", "https://www.baidu.com/")
    if not url.startswith("https://"):
        raise ValueError(f"SANSHI_QUICK_EXIT_URL must be an https:// address, not {url!r}")
    return url
