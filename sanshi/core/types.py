"""Small shared types."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser


class Progress(Protocol):
    """Anything with write(): a file, or a management command's stdout."""

    def write(self, msg: str, /) -> Any: ...


# Whoever makes a request: a signed-in user or an anonymous visitor.
User: TypeAlias = AuthUser | AnonymousUser
