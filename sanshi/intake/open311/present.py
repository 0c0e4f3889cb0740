"""How a concern and its status changes look in Open311: public facts only.

No reporter name, phone, free-text address, coordinates, community, staff names or notes.
The address stops at the township; the description appears only when the reporter agreed
to publication and the concern is not protected (public_concerns() already drops those).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sanshi.concerns.models import Concern, ConcernEvent, Status
from sanshi.concerns.taxonomy import taxonomy
from sanshi.intake.open311.render import w3c
from sanshi.intake.selectors import PUBLIC_KINDS
from sanshi.orgs.models import Division

CLOSED = (Status.CLOSED, Status.MERGED)

# mySociety's extended statuses for servicerequestupdates.
EXTENDED_STATUS: dict[str, str] = {
    Status.RECEIVED: "for_triage",
    Status.RETURNED: "for_triage",
    Status.DISPATCHED: "action_scheduled",
    Status.SIGNED: "in_progress",
    Status.IN_PROGRESS: "in_progress",
    Status.REOPENED: "in_progress",
    Status.REPLIED: "fixed",
    Status.CLOSED: "closed",
    Status.MERGED: "duplicate",
}
STATUS_NOTES: dict[str, str] = {str(k): str(v) for k, v in Status.choices}


def township_address(division: Division | None) -> tuple[str | None, str | None]:
    """From the township (or coarser) up to the province, most specific first (the spec)."""
    if division is None:
        return None, None
    names: list[str] = []
    node: Division | None = division
    while node is not None:
        names.append(node.name)
        node = node.parent
    return ", ".join(names), division.code


def service_name(code: str) -> str | None:
    sub = taxonomy().subcategories.get(code)
    return sub.name if sub else None


def service_notice(concern: Concern, *, critical: bool) -> str:
    """What happens next, and the emergency numbers first when there is danger."""
    parts = []
    if critical:
        parts.append("如有危险请立即拨打110（报警）、120（急救），或12338（妇女维权热线）。")
    if concern.resolve_due is not None:
        due = timezone.localtime(concern.resolve_due)
        parts.append(f"{concern.org.name}将在{due:%Y-%m-%d %H:%M}前办理答复。")
    else:
        parts.append(f"{concern.org.name}已受理，将尽快派单办理。")
    return "".join(parts)


def request_item(concern: Concern) -> dict[str, Any]:
    """One service request as the public may see it."""
    closed = concern.status in CLOSED
    address, address_id = township_address(concern.division)
    updated = concern.closed_at if closed and concern.closed_at else concern.updated_at
    return {
        "service_request_id": str(concern.pk),
        "status": "closed" if closed else "open",
        "status_notes": str(STATUS_NOTES.get(concern.status, "")),
        "service_name": service_name(concern.subcategory),
        "service_code": concern.subcategory or None,
        "description": concern.text if concern.publish_consent else None,
        "agency_responsible": concern.org.name,
        "service_notice": None,
        "requested_datetime": w3c(concern.received_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(concern.resolve_due),
        "address": address,
        "address_id": address_id,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def update_item(event: ConcernEvent) -> dict[str, Any]:
    """One status change (mySociety's request_update)."""
    status = event.to_status
    label = str(PUBLIC_KINDS.get(event.kind, ""))
    org = event.org.name if event.org is not None else ""
    return {
        "update_id": str(event.pk),
        "service_request_id": str(event.concern_id),
        "status": EXTENDED_STATUS.get(status, "in_progress"),
        "updated_datetime": w3c(event.at),
        "description": f"{label}（{org}）" if org else label,
        "media_url": None,
        "external_status_code": status,
    }
