"""Bearer-token authentication, the body-size limit and the per-token rate limit."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from sanshi.api import conf
from sanshi.api.actions import touch_api_token
from sanshi.api.errors import PayloadTooLarge, RateLimited
from sanshi.api.models import ApiToken
from sanshi.api.selectors import active_token, request_user
from sanshi.core import limits

WINDOW = 60  # seconds: the rate is counted per token per clock minute


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` for an active token of an active user."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        check_body_size(request)
        token = super().__call__(request)
        return token if isinstance(token, ApiToken) else None

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = active_token(token)
        if found is None:
            return None
        check_rate(found)
        touch_api_token(found)
        request.user = request_user(found)
        return found


def check_body_size(request: HttpRequest) -> None:
    """Refuse a declared body over the limit before reading it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > conf.max_body_bytes():
        raise PayloadTooLarge


def check_rate(token: ApiToken) -> None:
    """Count the request where every worker sees it; over the limit, raise with the wait."""
    limited = limits.hit("api", str(token.pk), limit=conf.rate_per_minute(), window=WINDOW)
    if limited is not None:
        raise RateLimited(retry_after=limited.retry_after)
