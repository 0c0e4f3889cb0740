"""What the public site shows: the honour roll (consented only), published cases, studios."""

from __future__ import annotations

from django.db.models import QuerySet

from sanshi.honours.models import (
    CaseStatus,
    Nomination,
    NominationStatus,
    Studio,
    TypicalCase,
)


def honour_roll() -> QuerySet[Nomination]:
    """Awarded honours whose holders agreed to be shown, newest year first."""
    return Nomination.objects.filter(status=NominationStatus.AWARDED, public_consent=True).order_by(
        "-year", "level", "kind", "pk"
    )


def published_cases() -> QuerySet[TypicalCase]:
    return TypicalCase.objects.filter(status=CaseStatus.PUBLISHED).order_by("-published_at")


def public_studios() -> QuerySet[Studio]:
    return Studio.objects.filter(
        place__is_public=True, place__closed_at__isnull=True
    ).select_related("place", "place__org")
