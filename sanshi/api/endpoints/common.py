"""What every endpoint shares: documented error codes, the caller, the path id."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Path

from sanshi.api.models import ApiToken
from sanshi.api.schemas import MAX_ID, ErrorOut
from sanshi.concerns.permissions import grants
from sanshi.core.errors import NotAllowed
from sanshi.orgs.models import Role

# Every operation can answer 400 (bad input), 401 (no or bad token), 413 (body too large)
# and 429 (over the rate limit); reads add 404, actions add 403, 404 and 409.
READ_ERRORS = frozenset({400, 401, 404, 413, 429})
LIST_ERRORS = frozenset({400, 401, 413, 429})
WRITE_ERRORS = frozenset({400, 401, 403, 404, 409, 413, 429})


def responses(ok: dict[int, Any], errors: frozenset[int]) -> dict[Any, Any]:
    return {**ok, errors: ErrorOut}


def caller(request: HttpRequest) -> User:
    """The token's user (set by BearerToken before any endpoint runs)."""
    return cast(User, request.user)


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken)  # noqa: S101 - the auth guarantees it
    return token


def require_staff_role(request: HttpRequest) -> None:
    """Staff applications act for someone with a role other than volunteer."""
    if not any(g.role != Role.VOLUNTEER for g in grants(caller(request))):
        raise NotAllowed("this needs a staff role in an org")


def concern_id_param() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="the concern's id")
