"""Idempotency-Key, one way for every create (the JSON API and Open311).

The key is checked first: a key seen before with the same request replays the first answer;
with another request it is a Conflict (409). A new key runs the create and stores its answer
in the create's own transaction. The unique (scope, key) makes a concurrent request with the
same key wait for the first transaction; when that one commits, the second one's insert
raises IntegrityError, its whole transaction (its concern too) rolls back, and it replays
the first answer. So two retries never both create, and an acknowledged create is stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from sanshi.core import clock
from sanshi.core.errors import Conflict, SanshiError
from sanshi.core.models import IdempotentResponse


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # JSON: a dict or a list
    replayed: bool = False


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request."""
    return hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()


def answer_once(scope: str, key: str, print_: str, create: Callable[[], Answer]) -> Answer:
    """The answer to a create sent with Idempotency-Key `key` (none: just create).

    `create` runs inside the transaction that also stores its answer; it returns the status
    and a JSON body.
    """
    if not key:
        return create()
    earlier = _earlier(scope, key, print_)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            answer = create()
            IdempotentResponse.objects.create(
                scope=scope,
                key=key,
                fingerprint=print_,
                status=answer.status,
                body=answer.body,
                created_at=clock.now(),
            )
    except (IntegrityError, SanshiError):
        # A retry answers with the first answer even where a second run would now fail.
        earlier = _earlier(scope, key, print_)
        if earlier is None:
            raise
        return earlier
    return answer


def _earlier(scope: str, key: str, print_: str) -> Answer | None:
    """The answer stored for this key, if any; Conflict when it was another request."""
    stored = IdempotentResponse.objects.filter(scope=scope, key=key).first()
    if stored is None:
        return None
    if stored.fingerprint != print_:
        raise Conflict(
            "this Idempotency-Key was used for a different request",
            fields={"Idempotency-Key": "reused"},
        )
    return Answer(stored.status, stored.body, replayed=True)
