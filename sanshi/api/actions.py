"""Every write the API app makes: issuing and revoking tokens, remembering responses."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from sanshi.api.models import ApiToken
from sanshi.api.selectors import credentials, hash_token
from sanshi.audit.actions import record_audit
from sanshi.core import clock
from sanshi.core.errors import InvalidInput

TOKEN_PREFIX = "ss_"  # noqa: S105 - a visible prefix, not a secret


@transaction.atomic
def issue_api_token(
    user: User, *, name: str, actor: User | AnonymousUser | None = None
) -> tuple[ApiToken, str]:
    """Make a new token for the user; the raw token is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 64:
        raise InvalidInput(
            "a token needs a name of 1 to 64 characters", fields={"name": "required"}
        )
    if not user.is_active:
        raise InvalidInput("the user is not active", fields={"user": "inactive"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), prefix=raw[:10], created_at=clock.now()
    )
    record_audit(actor, "api_token.issued", "api_token", token.pk, {"user": user.pk, "name": name})
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor: User | AnonymousUser | None = None) -> ApiToken:
    """Stop a token from working; revoking twice is a no-op."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    token.refresh_from_db()
    if changed:
        record_audit(actor, "api_token.revoked", "api_token", token.pk, {})
        credentials.forget_on_commit()
    return token


def touch_api_token(token: ApiToken) -> None:
    """Note that the token was used, at most every five minutes (not a write per request)."""
    now = clock.now()
    if token.last_used_at is not None and (now - token.last_used_at).total_seconds() < 300:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
