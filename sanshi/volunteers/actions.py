"""Every write about volunteers: one function each, one transaction each, audited.

Registration is public (no actor); review, records, confirmation, corrections and
certificates are done by people of the federation, each checked here.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone

from sanshi.audit.actions import record_audit
from sanshi.concerns import permissions as perm
from sanshi.concerns.models import Concern
from sanshi.core import clock
from sanshi.core.crypto import blind_index, normalise_phone, phone_index
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.core.types import User
from sanshi.network.models import Visit
from sanshi.orgs.models import Org
from sanshi.volunteers.idcard import is_valid_id_number, normalise_id_number
from sanshi.volunteers.models import Certificate, ServiceCorrection, ServiceRecord, Team, Volunteer

CONSENT_VERSION = "vol-2026-1"
ORGANISER_ROLES = perm.HANDLER_ROLES  # whoever organised the service records it
REVIEWER_ROLES = perm.SUPERVISOR_ROLES
MOBILE = re.compile(r"^1[3-9]\d{9}$")
OLDEST_RECORD_DAYS = 366


def id_index(number: str) -> str:
    return blind_index(normalise_id_number(number), "id_number")


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _user(actor: User) -> AuthUser | None:
    return actor if isinstance(actor, AuthUser) else None


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"you may not {what}")


def _audit(actor: User | None, action: str, kind: str, pk: object, data: dict[str, Any]) -> None:
    record_audit(actor, action, kind, pk, data)


# ---------------------------------------------------------------- registration


def _short(text: str, field: str, limit: int, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required", fields={field: "required"})
    if len(text) > limit:
        raise InvalidInput(f"at most {limit} characters", fields={field: "too long"})
    return text


def register_volunteer(
    *,
    org: Org,
    name: str,
    phone: str,
    id_number: str,
    consent: bool,
    skills: str = "",
    availability: str = "",
    gender: str = "female",
) -> Volunteer:
    """A resident registers with her community federation; she waits for its review."""
    name = _short(name, "name", 32, required=True)
    digits = normalise_phone(phone)
    if not MOBILE.match(digits):
        raise InvalidInput("a mainland mobile number, 11 digits", fields={"phone": "invalid"})
    if not is_valid_id_number(id_number):
        raise InvalidInput("not a valid resident ID number", fields={"id_number": "invalid"})
    if not consent:
        raise InvalidInput("agree to how your information is used", fields={"consent": "required"})
    if org.level != Org.Level.COMMUNITY:
        raise InvalidInput("choose your community", fields={"org": "not a community"})
    now = clock.now()
    volunteer = Volunteer(
        org=org,
        name=name,
        gender=gender if gender in {"female", "male", "unknown"} else "unknown",
        phone=digits,
        phone_index=phone_index(digits),
        id_number=normalise_id_number(id_number),
        id_index=id_index(id_number),
        skills=_short(skills, "skills", 200),
        availability=_short(availability, "availability", 100),
        consent_version=CONSENT_VERSION,
        registered_at=now,
    )
    try:
        with transaction.atomic():
            volunteer.save(force_insert=True)
            _audit(None, "volunteer.registered", "volunteer", volunteer.pk, {"org": org.pk})
    except IntegrityError:
        raise InvalidInput(
            "this ID number is already registered", fields={"id_number": "registered"}
        ) from None
    return volunteer


def review_volunteer(
    volunteer: Volunteer, *, actor: User, approve: bool, note: str = ""
) -> Volunteer:
    """The community federation (or one above it) approves or turns down a registration."""
    _require(
        perm.holds_at_or_above(perm.grants(actor), volunteer.org, REVIEWER_ROLES),
        "review this registration",
    )
    note = _short(note, "note", 200, required=not approve)
    status = Volunteer.Status.APPROVED if approve else Volunteer.Status.REJECTED
    now = clock.now()
    with transaction.atomic():
        changed = Volunteer.objects.filter(pk=volunteer.pk, status=Volunteer.Status.PENDING).update(
            status=status, review_note=note, reviewed_by=actor, reviewed_at=now
        )
        if changed != 1:
            raise Conflict("the registration was already reviewed")
        volunteer.status, volunteer.review_note, volunteer.reviewed_at = status, note, now
        _audit(actor, "volunteer.reviewed", "volunteer", volunteer.pk, {"status": status})
    return volunteer


# ---------------------------------------------------------------- teams


def create_team(org: Org, *, actor: User, name: str) -> Team:
    _require(perm.holds_at_or_above(perm.grants(actor), org, REVIEWER_ROLES), "create teams here")
    name = _short(name, "name", 64, required=True)
    team = Team(org=org, name=name, created_at=clock.now())
    try:
        with transaction.atomic():
            team.save(force_insert=True)
            _audit(actor, "volunteer.team_created", "team", team.pk, {"org": org.pk})
    except IntegrityError:
        raise InvalidInput("a team of that name exists", fields={"name": "taken"}) from None
    return team


def assign_team(volunteer: Volunteer, team: Team | None, *, actor: User) -> Volunteer:
    """Put a volunteer in a team of her federation or one above it (None: no team)."""
    _require(
        perm.holds_at_or_above(perm.grants(actor), volunteer.org, REVIEWER_ROLES),
        "change this volunteer's team",
    )
    if team is not None and not volunteer.org.path.startswith(team.org.path):
        raise InvalidInput("the team is not in her federation's tree", fields={"team": "outside"})
    with transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(team=team)
        volunteer.team = team
        _audit(
            actor,
            "volunteer.team_assigned",
            "volunteer",
            volunteer.pk,
            {"team": team.pk if team else None},
        )
    return volunteer


# ---------------------------------------------------------------- service records


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput("hours as a number, e.g. 2.5", fields={"hours": "invalid"}) from None
    if not Decimal("0") < hours <= Decimal("24"):
        raise InvalidInput("between 0.1 and 24 hours a day", fields={"hours": "out of range"})
    return hours


def _organiser_org(actor: User, org: Org) -> Org:
    """The deepest org where the actor organises, at or above the volunteer's."""
    grants = [g for g in perm.grants(actor) if g.role in ORGANISER_ROLES]
    covering = sorted((g.org_path for g in grants if org.path.startswith(g.org_path)), key=len)
    if not covering:
        raise NotAllowed("you may not record service for this volunteer")
    return Org.objects.get(path=covering[-1])


def record_service(
    volunteer: Volunteer,
    *,
    actor: User,
    activity: str,
    served_on: dt.date,
    hours: object,
    concern: Concern | None = None,
    visit: Visit | None = None,
) -> ServiceRecord:
    """The organiser records hours served (travel excluded); they count once confirmed."""
    org = _organiser_org(actor, volunteer.org)
    if volunteer.status != Volunteer.Status.APPROVED:
        raise Conflict("only an approved volunteer's service is recorded")
    activity = _short(activity, "activity", 100, required=True)
    today = _today()
    if served_on > today or (today - served_on).days > OLDEST_RECORD_DAYS:
        raise InvalidInput("a day within the last year", fields={"served_on": "out of range"})
    record = ServiceRecord(
        volunteer=volunteer,
        org=org,
        activity=activity,
        served_on=served_on,
        hours=_hours(hours),
        concern=concern,
        visit=visit,
        entered_by=actor if isinstance(actor, AuthUser) else None,
        created_at=clock.now(),
    )
    with transaction.atomic():
        record.save(force_insert=True)
        _audit(
            actor,
            "volunteer.service_recorded",
            "service",
            record.pk,
            {"volunteer": volunteer.pk, "hours": str(record.hours)},
        )
    return record


def confirm_service(record: ServiceRecord, *, actor: User) -> ServiceRecord:
    """A second person of the federation confirms the hours (not the one who entered them)."""
    _require(
        perm.holds_at_or_above(perm.grants(actor), record.org, REVIEWER_ROLES),
        "confirm this record",
    )
    if record.entered_by_id == actor.pk:
        raise NotAllowed("someone other than the one who entered it confirms a record")
    now = clock.now()
    with transaction.atomic():
        changed = ServiceRecord.objects.filter(
            pk=record.pk, status=ServiceRecord.Status.ENTERED
        ).update(status=ServiceRecord.Status.CONFIRMED, confirmed_by=actor, confirmed_at=now)
        if changed != 1:
            raise Conflict("the record was already confirmed")
        record.status, record.confirmed_at = ServiceRecord.Status.CONFIRMED, now
        _audit(actor, "volunteer.service_confirmed", "service", record.pk, {})
    return record


def correct_service(
    record: ServiceRecord, *, actor: User, hours: object, reason: str
) -> ServiceRecord:
    """Change a record's hours, saying why; the old and new figures are kept."""
    _require(
        perm.holds_at_or_above(perm.grants(actor), record.org, REVIEWER_ROLES),
        "correct this record",
    )
    after = _hours(hours)
    reason = _short(reason, "reason", 200, required=True)
    before = record.hours
    if after == before:
        raise InvalidInput("the hours are already that", fields={"hours": "unchanged"})
    with transaction.atomic():
        changed = ServiceRecord.objects.filter(pk=record.pk, hours=before).update(hours=after)
        if changed != 1:
            raise Conflict("the record changed meanwhile; reload and try again")
        ServiceCorrection.objects.create(
            record=record,
            hours_before=before,
            hours_after=after,
            reason=reason,
            by=_user(actor),
            at=clock.now(),
        )
        record.hours = after
        _audit(
            actor,
            "volunteer.service_corrected",
            "service",
            record.pk,
            {"before": str(before), "after": str(after), "reason": reason},
        )
    return record


# ---------------------------------------------------------------- certificates


def _certificate_number(year: int) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"JG{year}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def issue_certificate(volunteer: Volunteer, *, actor: User) -> Certificate:
    """A certificate of her confirmed service so far: hours, records, period, number, date."""
    _require(
        perm.holds_at_or_above(perm.grants(actor), volunteer.org, REVIEWER_ROLES),
        "issue certificates for this volunteer",
    )
    confirmed = ServiceRecord.objects.filter(
        volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED
    )
    sums = confirmed.aggregate(hours=Sum("hours"), first=Min("served_on"), last=Max("served_on"))
    if not sums["hours"]:
        raise Conflict("there are no confirmed hours to certify yet")
    now = clock.now()
    certificate = Certificate(
        volunteer=volunteer,
        number=_certificate_number(timezone.localdate(now).year),
        token=secrets.token_urlsafe(18)[:24],
        org=volunteer.org,
        hours=sums["hours"],
        records=confirmed.count(),
        period_start=sums["first"],
        period_end=sums["last"],
        issued_by=actor if isinstance(actor, AuthUser) else None,
        issued_at=now,
    )
    with transaction.atomic():
        certificate.save(force_insert=True)
        _audit(
            actor,
            "volunteer.certificate_issued",
            "certificate",
            certificate.pk,
            {"volunteer": volunteer.pk, "hours": str(certificate.hours)},
        )
    return certificate
