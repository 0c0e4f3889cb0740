"""Login throttling and lockout (django-axes) in front of Django's own password check."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuse logins that django-axes has locked out; put it first in AUTHENTICATION_BACKENDS.

    axes needs the request (for the client address). A login without one, as from the test
    client's `login()` or a shell, is not a web login: it is neither throttled nor refused.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username=username, password=password, **kwargs)
        return None
