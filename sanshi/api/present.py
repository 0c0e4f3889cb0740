"""Concerns, events and people as the API shows them, redacted where the caller may not read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sanshi.concerns.models import Assignment, Concern, ConcernEvent, EventKind
from sanshi.core.crypto import mask_address, mask_name, mask_phone, mask_phones_in_text
from sanshi.orgs.models import Org

PLAIN_FIELDS = (
    "id",
    "tracking_code",
    "status",
    "channel",
    "category",
    "subcategory",
    "sanshi",
    "urgency",
    "protected",
    "danger_check",
    "anonymous",
    "minor_under_14",
    "community_id",
    "dispatching_org_id",
    "merged_into_id",
    "escalated_to_id",
    "escalated_department",
    "received_at",
    "dispatched_at",
    "signed_at",
    "first_contact_at",
    "replied_at",
    "closed_at",
    "sign_due",
    "contact_due",
    "resolve_due",
    "overdue_since",
    "extension_requested_until",
    "solved",
    "satisfaction",
    "rated_at",
    "return_count",
    "reopen_count",
    "extension_count",
    "updated_at",
)
EVENT_LABELS = dict(EventKind.choices)
# Shown masked even to those who see a concern in full, as the console shows them: the value
# itself takes POST /concerns/{id}/reveal, which is audited.
MASKED = {"address": mask_address, "reporter_name": mask_name, "reporter_phone": mask_phone}


def org_ref(org: Org | None) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "name": org.name}


def concern_out(concern: Concern, *, full: bool) -> dict[str, Any]:
    """The concern as a dict; `full` False withholds what identifies or describes, and `full`
    True still masks the contact details and any phone number written in the text."""
    out: dict[str, Any] = {name: getattr(concern, name) for name in PLAIN_FIELDS}
    out["org"] = org_ref(concern.org)
    out["division_code"] = concern.division_id
    out["redacted"] = not full
    out["text"] = mask_phones_in_text(concern.text) if full else None
    for name, mask in MASKED.items():
        out[name] = mask(getattr(concern, name)) if full else None
    return out


def concern_detail_out(
    concern: Concern, *, full: bool, assignments: Iterable[Assignment] | None = None
) -> dict[str, Any]:
    """The concern with its active handlers (`assignments`, when the caller knows them)."""
    out = concern_out(concern, full=full)
    if assignments is None:
        assignments = (
            Assignment.objects.filter(concern=concern, active=True)
            .select_related("person")
            .order_by("assigned_at", "pk")
        )
    out["handlers"] = [
        {
            "person_id": a.person_id,
            "name": a.person.name,
            "role": a.role,
            "assigned_at": a.assigned_at,
        }
        for a in assignments
    ]
    out["triage"] = concern.triage if full else None
    return out


def event_out(event: ConcernEvent, *, full: bool) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": str(EVENT_LABELS.get(event.kind, event.kind)),
        "at": event.at,
        "actor_id": event.actor_id,
        "actor": event.actor.get_username() if event.actor is not None else None,
        "org": org_ref(event.org),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": mask_phones_in_text(event.note) if full else None,
        "data": event.data if full else None,
    }
