"""The residents' pages' limits, shared by every worker (sanshi.core.limits)."""

from __future__ import annotations

from django.http import HttpRequest

from sanshi.core.limits import Limited, claim, hit, peek, recall, release, remember

__all__ = ["Limited", "claim", "client_ip", "hit", "peek", "recall", "release", "remember"]


def client_ip(request: HttpRequest) -> str:
    """The peer address; a deployment behind a proxy sets REMOTE_ADDR from it (gunicorn)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")
