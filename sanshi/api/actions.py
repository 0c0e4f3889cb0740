"""Every write the API app makes: issuing and revoking tokens, remembering responses."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction

from sanshi.api.models import ApiToken, IdempotentResponse
from sanshi.audit.actions import record_audit
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput

TOKEN_PREFIX = "ss_"  # noqa: S105 - a visible prefix, not a secret


def hash_token(raw: str) -> str:
    """The stored form of a token (a token has 256 random bits, so no salt or slow hash)."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


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
    return token


def touch_api_token(token: ApiToken) -> None:
    """Note that the token was used, at most every five minutes (not a write per request)."""
    now = clock.now()
    if token.last_used_at is not None and (now - token.last_used_at).total_seconds() < 300:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def claim_idempotency_key(token: ApiToken, key: str, fingerprint: str) -> IdempotentResponse | None:
    """Reserve the key inside the caller's transaction; the earlier response if it was used.

    Call it inside `transaction.atomic`: the unique constraint makes a concurrent duplicate
    wait for the first transaction and then see its row, so two retries never both create.
    Raises Conflict when the key was used for a different request.
    """
    existing = _insert_or_existing(token, key, fingerprint)
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise Conflict(
            "this Idempotency-Key was used for a different request",
            fields={"Idempotency-Key": "reused"},
        )
    return existing


def _insert_or_existing(token: ApiToken, key: str, fingerprint: str) -> IdempotentResponse | None:
    try:
        with transaction.atomic():
            IdempotentResponse.objects.create(
                token=token, key=key, fingerprint=fingerprint, created_at=clock.now()
            )
    except IntegrityError:
        return IdempotentResponse.objects.get(token=token, key=key)
    return None


def remember_response(token: ApiToken, key: str, status: int, body: dict[str, Any]) -> None:
    """Store the response of the request that claimed the key, in the same transaction."""
    IdempotentResponse.objects.filter(token=token, key=key).update(status=status, body=body)
