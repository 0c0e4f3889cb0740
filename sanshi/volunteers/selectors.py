"""Reads about volunteers: hours, star levels, totals per person, team, org and year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from sanshi.volunteers.models import Certificate, ServiceRecord, Volunteer

# Star levels by cumulative confirmed hours (一星 to 五星), as the national rules set them.
STAR_HOURS = (100, 300, 600, 1000, 1500)
CONFIRMED = ServiceRecord.Status.CONFIRMED


def star_level(hours: Decimal | int | float) -> int:
    """0 to 5 stars."""
    return sum(1 for threshold in STAR_HOURS if hours >= threshold)


def next_star(hours: Decimal) -> int | None:
    """Hours needed for the next star (None at five stars)."""
    return next((t for t in STAR_HOURS if hours < t), None)


def confirmed_hours(volunteer: Volunteer, *, up_to: object = None) -> Decimal:
    rows = ServiceRecord.objects.filter(volunteer=volunteer, status=CONFIRMED)
    if up_to is not None:
        rows = rows.filter(created_at__lte=up_to)
    return rows.aggregate(h=Sum("hours"))["h"] or Decimal("0")


RECORD_ORDER = ("-served_on", "-pk")


def records_of(volunteer: Volunteer) -> QuerySet[ServiceRecord]:
    return ServiceRecord.objects.filter(volunteer=volunteer).order_by(*RECORD_ORDER)


@dataclass(frozen=True)
class Total:
    key: object
    label: str
    hours: Decimal
    records: int
    people: int


def totals(volunteers: QuerySet[Volunteer], *, year: int | None, by: str) -> list[Total]:
    """Confirmed hours of these volunteers, grouped by person, team or org, in a year or ever."""
    field = {"person": "volunteer", "team": "volunteer__team", "org": "volunteer__org"}[by]
    label = {
        "person": "volunteer__name",
        "team": "volunteer__team__name",
        "org": "volunteer__org__name",
    }[by]
    rows = ServiceRecord.objects.filter(volunteer__in=volunteers.values("pk"), status=CONFIRMED)
    if year is not None:
        rows = rows.filter(served_on__year=year)
    grouped = (
        rows.values(field, label)
        .annotate(hours=Sum("hours"), records=Count("pk"), people=Count("volunteer", distinct=True))
        .order_by("-hours", field)
    )
    return [
        Total(r[field], r[label] or "—", r["hours"], r["records"], r["people"]) for r in grouped
    ]


def year_sum(volunteers: QuerySet[Volunteer], year: int | None) -> Decimal:
    rows = ServiceRecord.objects.filter(volunteer__in=volunteers.values("pk"), status=CONFIRMED)
    if year is not None:
        rows = rows.filter(served_on__year=year)
    return rows.aggregate(h=Sum("hours"))["h"] or Decimal("0")


def certificate_by_token(token: str) -> Certificate | None:
    if not token or len(token) > 32:
        return None
    return Certificate.objects.filter(token=token).select_related("volunteer", "org").first()


def certificate_by_number(number: str) -> Certificate | None:
    number = (number or "").strip().upper()
    if not number or len(number) > 24:
        return None
    return Certificate.objects.filter(number=number).select_related("volunteer", "org").first()


@dataclass(frozen=True)
class Verdict:
    """What the public verification page says of a certificate against today's record."""

    certificate: Certificate
    record_hours: Decimal

    @property
    def matches(self) -> bool:
        return not self.certificate.revoked and self.record_hours == self.certificate.hours


def verify(certificate: Certificate) -> Verdict:
    """The hours the record holds for the certificate's period now (corrections show)."""
    rows = ServiceRecord.objects.filter(
        volunteer=certificate.volunteer,
        status=CONFIRMED,
        confirmed_at__lte=certificate.issued_at,
    )
    hours = rows.aggregate(h=Sum("hours"))["h"] or Decimal("0")
    return Verdict(certificate, hours)


def pending_review(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    return volunteers.filter(status=Volunteer.Status.PENDING).order_by("registered_at")


def own_lookup(phone_idx: str, id_idx: str) -> Volunteer | None:
    """A volunteer finding her own record: both her phone and her ID number must match."""
    return Volunteer.objects.filter(Q(phone_index=phone_idx) & Q(id_index=id_idx)).first()
