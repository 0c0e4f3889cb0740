"""Bearer-token authentication, the body-size limit and the per-token rate limit."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from sanshi.api import conf
from sanshi.api.actions import touch_api_token
from sanshi.api.errors import PayloadTooLarge, RateLimited
from sanshi.api.models import ApiToken
from sanshi.api.selectors import active_token, request_user

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
    """Count the request in the cache; over the limit, raise with the seconds to wait."""
    limit = conf.rate_per_minute()
    if limit == 0:
        return
    now = time.time()
    window = int(now // WINDOW)
    key = f"sanshi:api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts the window
        cache.add(key, 1, timeout=WINDOW + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, int((window + 1) * WINDOW - now + 0.999)))
