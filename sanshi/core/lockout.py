"""The username django-axes counts failed logins under, as long as its column allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

# django-axes keeps the username in a 255-character column; Django's usernames stop at 150,
# so a longer one names nobody, and cutting it keeps PostgreSQL from refusing the row.
MAX_USERNAME = 150


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: axes' own choice (credentials, else the form), at most 150 chars."""
    source: Any = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get("username") if source is not None else None
    return str(username)[:MAX_USERNAME] if username is not None else None
