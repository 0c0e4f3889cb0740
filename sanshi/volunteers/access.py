"""Access helpers: the only way staff pages load volunteers, records and certificates.

People of the federation with a handling role see the volunteers of their org's subtree;
volunteers and leaders see none (leaders get totals only). Missing and forbidden both
raise NotFound; opening a volunteer's record (phone, ID number) is audited.
"""

from __future__ import annotations

from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.audit.actions import record_audit
from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.core.types import User
from sanshi.volunteers.models import ServiceRecord, Volunteer

STAFF_ROLES = perm.HANDLER_ROLES


def staff_paths(user: User) -> list[str]:
    return [g.org_path for g in perm.grants(user) if g.role in STAFF_ROLES]


def volunteers_visible_to(user: User) -> QuerySet[Volunteer]:
    paths = staff_paths(user)
    if not paths:
        return Volunteer.objects.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(org__path__startswith=path)
    return Volunteer.objects.filter(condition).select_related("org", "team")


def access_volunteer(user: User, volunteer_id: int) -> Volunteer:
    volunteer = volunteers_visible_to(user).filter(pk=volunteer_id).first()
    if volunteer is None:
        raise NotFound("no such volunteer")
    if isinstance(user, AuthUser):
        record_audit(user, "volunteer.read", "volunteer", volunteer.pk, {})
    return volunteer


def access_service_record(user: User, record_id: int) -> ServiceRecord:
    visible = volunteers_visible_to(user).values("pk")
    record = (
        ServiceRecord.objects.filter(pk=record_id, volunteer_id__in=visible)
        .select_related("volunteer", "org")
        .first()
    )
    if record is None:
        raise NotFound("no such service record")
    return record


def own_volunteer(user: User) -> Volunteer:
    """The signed-in volunteer's own registration: the one whose phone and name are those of
    the person behind the login (one match only); NotFound when there is none."""
    from sanshi.core.crypto import normalise_phone, phone_index
    from sanshi.orgs.selectors import person_for_user

    person = person_for_user(user) if isinstance(user, AuthUser) else None
    phone = normalise_phone(person.phone) if person is not None else ""
    if person is None or not phone:
        raise NotFound("no volunteer registration for this login")
    matches = list(
        Volunteer.objects.filter(phone_index=phone_index(phone), name=person.name.strip())
        .select_related("org", "team")
        .order_by("pk")[:2]
    )
    if len(matches) != 1:
        raise NotFound("no volunteer registration for this login")
    return matches[0]
