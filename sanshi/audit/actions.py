"""The one way to add an audit row."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from sanshi.audit.models import AuditEntry
from sanshi.core import clock


def record_audit(
    actor: User | AnonymousUser | None,
    action: str,
    object_type: str,
    object_id: object,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row; call it inside the write's transaction."""
    return AuditEntry.objects.create(
        at=clock.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=data or {},
    )
