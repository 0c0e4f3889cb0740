"""The JSON API a volunteer's phone needs (mounted at /api/v1/volunteers): her own record,
her service hours page by page, her certificates; and for an organiser, recording hours.

Her record is found from the login (access.own_volunteer); her ID number and phone are
never sent. Recording hours goes through actions.record_service with its checks.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sanshi.api.endpoints.common import READ_ERRORS, WRITE_ERRORS, caller, responses, token_of
from sanshi.api.endpoints.concerns import IDEMPOTENCY_HEADER, IdempotencyKey
from sanshi.api.schemas import Id, In
from sanshi.concerns.access import access_concern
from sanshi.core import clock
from sanshi.core.errors import InvalidInput
from sanshi.core.idempotency import Answer, answer_once, fingerprint
from sanshi.volunteers import actions
from sanshi.volunteers.access import access_volunteer, own_volunteer
from sanshi.volunteers.models import Certificate, ServiceRecord, Volunteer
from sanshi.volunteers.selectors import CONFIRMED, confirmed_hours, records_of, star_level

router = Router(tags=["volunteers"])


class VolunteerMeOut(Schema):
    id: int
    name: str
    org_id: int
    org: str
    teams: list[str] = Field(description="her service teams (志愿服务队)")
    status: str = Field(description="pending, approved or rejected")
    star_level: int = Field(description="0 to 5, by cumulative confirmed hours")
    total_hours: Decimal = Field(description="confirmed hours ever")
    hours_this_year: Decimal = Field(description="confirmed hours served this calendar year")


class HoursQuery(In):
    cursor: str = Field("", max_length=200, pattern=r"^[A-Za-z0-9_-]*$")
    limit: int = Field(50, ge=1, le=200)


class ServiceOut(Schema):
    id: int
    volunteer_id: int
    org: str = Field(description="the organiser's federation")
    activity: str
    served_on: dt.date
    hours: Decimal
    status: str = Field(description="entered (not yet counted) or confirmed")
    concern_id: int | None
    visit_id: int | None


class ServicePage(Schema):
    results: list[ServiceOut]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )


class CertificateOut(Schema):
    number: str
    org: str = Field(description="the issuer")
    hours: Decimal
    records: int
    period_start: dt.date
    period_end: dt.date
    issued_at: dt.datetime
    verify_url: str = Field(description="the public page that checks it against the record")


class ServiceIn(In):
    volunteer_id: Id
    activity: str = Field(min_length=1, max_length=100)
    served_on: dt.date
    hours: Decimal = Field(gt=0, le=24, decimal_places=1, description="travel excluded")
    concern_id: Id | None = None


def _me(v: Volunteer) -> dict[str, Any]:
    total = confirmed_hours(v)
    year = timezone.localdate(clock.now()).year
    this_year = ServiceRecord.objects.filter(
        volunteer=v, status=CONFIRMED, served_on__year=year
    ).aggregate(h=Sum("hours"))["h"]
    return {
        "id": v.pk,
        "name": v.name,
        "org_id": v.org_id,
        "org": v.org.name,
        "teams": [v.team.name] if v.team is not None else [],
        "status": v.status,
        "star_level": star_level(total),
        "total_hours": total,
        "hours_this_year": this_year or Decimal("0"),
    }


def _service(r: ServiceRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "volunteer_id": r.volunteer_id,
        "org": r.org.name,
        "activity": r.activity,
        "served_on": r.served_on,
        "hours": r.hours,
        "status": r.status,
        "concern_id": r.concern_id,
        "visit_id": r.visit_id,
    }


def _verify_url(request: HttpRequest, certificate: Certificate) -> str:
    path = reverse("volunteers:verify_token", args=[certificate.token])
    base = getattr(settings, "SANSHI_BASE_URL", "")
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


def _encode(day: dt.date, pk: int) -> str:
    raw = f"{day.isoformat()}|{pk}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(cursor: str) -> tuple[dt.date, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        day_text, pk_text = raw.split("|")
        day, pk = dt.date.fromisoformat(day_text), int(pk_text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("bad cursor", fields={"cursor": "invalid"}) from None
    if not 0 < pk < 2**63:
        raise InvalidInput("bad cursor", fields={"cursor": "invalid"})
    return day, pk


@router.get(
    "/me", response=responses({200: VolunteerMeOut}, READ_ERRORS), summary="My volunteer record"
)
def get_me(request: HttpRequest) -> Any:
    """The caller's own registration (never her ID number or phone); 404 when none."""
    return Status(200, _me(own_volunteer(caller(request))))


@router.get(
    "/me/hours", response=responses({200: ServicePage}, READ_ERRORS), summary="My service hours"
)
def my_hours(request: HttpRequest, query: Query[HoursQuery]) -> Any:
    """Her service records, newest first, one page at a time (cursor)."""
    volunteer = own_volunteer(caller(request))
    qs = records_of(volunteer).select_related("org")
    if query.cursor:
        day, pk = _decode(query.cursor)
        qs = qs.filter(Q(served_on__lt=day) | Q(served_on=day, pk__lt=pk))
    rows = list(qs[: query.limit + 1])
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        next_cursor = _encode(rows[-1].served_on, rows[-1].pk)
    return Status(200, {"results": [_service(r) for r in rows], "next_cursor": next_cursor})


@router.get(
    "/me/certificates",
    response=responses({200: list[CertificateOut]}, READ_ERRORS),
    summary="My certificates",
)
def my_certificates(request: HttpRequest) -> Any:
    """Her certificates still in force, newest first, with the page that verifies each."""
    volunteer = own_volunteer(caller(request))
    certificates = (
        Certificate.objects.filter(volunteer=volunteer, revoked=False)
        .select_related("org")
        .order_by("-issued_at", "-pk")
    )
    return Status(
        200,
        [
            {
                "number": c.number,
                "org": c.org.name,
                "hours": c.hours,
                "records": c.records,
                "period_start": c.period_start,
                "period_end": c.period_end,
                "issued_at": c.issued_at,
                "verify_url": _verify_url(request, c),
            }
            for c in certificates
        ],
    )


@router.post(
    "/hours",
    response=responses({201: ServiceOut}, WRITE_ERRORS),
    summary="Record a volunteer's service hours",
)
def record_hours(
    request: HttpRequest,
    payload: ServiceIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey | None = IDEMPOTENCY_HEADER,
) -> Any:
    """The organiser (谁组织谁记录) records hours; they count once another person confirms.

    With `Idempotency-Key`, a retry of the same request returns the first response
    (header `Idempotent-Replayed: true`) and records nothing more.
    """
    user = caller(request)
    print_ = fingerprint("POST", "/volunteers/hours", request.body)

    def create() -> Answer:
        # One transaction: a refused write leaves not even the audited read behind.
        with transaction.atomic():
            volunteer = access_volunteer(user, payload.volunteer_id)
            concern = None
            if payload.concern_id is not None:
                concern = access_concern(user, payload.concern_id)
            record = actions.record_service(
                volunteer,
                actor=user,
                activity=payload.activity,
                served_on=payload.served_on,
                hours=payload.hours,
                concern=concern,
            )
        out = ServiceOut.model_validate(_service(record))
        return Answer(201, out.model_dump(mode="json"))

    answer = answer_once(
        f"api:{token_of(request).pk}:volunteer-hours", idempotency_key or "", print_, create
    )
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(answer.status, ServiceOut.model_validate(answer.body))
