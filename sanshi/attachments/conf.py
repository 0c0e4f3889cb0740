"""The attachment settings, with their defaults (docs/attachments.md)."""

from __future__ import annotations

from django.conf import settings

MB = 1024 * 1024


def max_bytes() -> int:
    """The largest file taken, in bytes (SANSHI_ATTACHMENT_MAX_MB, default 10)."""
    return int(getattr(settings, "SANSHI_ATTACHMENT_MAX_MB", 10)) * MB


def max_files() -> int:
    """How many files one report or one upload may carry (SANSHI_ATTACHMENT_MAX_FILES)."""
    return int(getattr(settings, "SANSHI_ATTACHMENT_MAX_FILES", 5))


def max_pixels() -> int:
    """The largest image taken, in pixels (width x height), before it is decoded."""
    return int(getattr(settings, "SANSHI_ATTACHMENT_MAX_PIXELS", 40_000_000))


def scanner_path() -> str:
    """The dotted path of the antivirus hook (SANSHI_ATTACHMENT_SCANNER; "" for none)."""
    return str(getattr(settings, "SANSHI_ATTACHMENT_SCANNER", "") or "")


def fetch_hosts() -> list[str]:
    """Hosts an Open311 `media_url` may be fetched from (none by default: a URL is kept
    unfetched rather than have the server reach wherever a client points it)."""
    return list(getattr(settings, "SANSHI_ATTACHMENT_FETCH_HOSTS", []))
