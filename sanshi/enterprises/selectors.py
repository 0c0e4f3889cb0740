"""Coverage figures and the public directory."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from sanshi.enterprises.models import (
    DOMAIN_KINDS,
    EnterpriseRequest,
    Entrepreneur,
    ListedEnterprise,
)
from sanshi.orgs.models import Org


@dataclass(frozen=True)
class Coverage:
    district: Org
    listed: int
    with_federation: int
    women_led: int
    domain_federations: int  # new-domain federations attached in the district's subtree

    @property
    def percent(self) -> Decimal | None:
        if not self.listed:
            return None
        return (Decimal(100) * self.with_federation / self.listed).quantize(Decimal("0.1"))


def coverage(districts: QuerySet[Org]) -> list[Coverage]:
    """Per district: enterprises listed, how many have a federation, and women-led ones."""
    counts = {
        r["district_id"]: r
        for r in ListedEnterprise.objects.filter(district__in=districts)
        .values("district_id")
        .annotate(
            n=Count("pk"),
            covered=Count("pk", filter=Q(federation__isnull=False)),
            women=Count("pk", filter=Q(women_led=True)),
        )
    }
    rows = []
    for district in districts.order_by("name"):
        c = counts.get(district.pk, {})
        domain = Org.objects.filter(
            path__startswith=district.path, level=Org.Level.DOMAIN, kind__in=DOMAIN_KINDS
        ).count()
        rows.append(
            Coverage(district, c.get("n", 0), c.get("covered", 0), c.get("women", 0), domain)
        )
    return rows


def public_directory(district: Org | None = None) -> list[dict[str, str]]:
    """What the public directory shows of each listed entrepreneur (only what she chose)."""
    rows = Entrepreneur.objects.filter(listed=True).select_related("district")
    if district is not None:
        rows = rows.filter(district=district)
    return [
        {
            "name": e.name,
            "enterprise": e.enterprise,
            "sector": e.sector,
            "offers": e.offers,
            "district": e.district.name.removesuffix("妇联"),
            "phone": e.phone if e.show_phone else "",
        }
        for e in rows.order_by("district__name", "name", "pk")
    ]


def recent_requests(user: object, limit: int = 50) -> QuerySet[EnterpriseRequest]:
    """Requests whose concerns the user can see, newest first."""
    from sanshi.concerns.access import concerns_visible_to

    visible = concerns_visible_to(user).values("pk")  # type: ignore[arg-type]
    return (
        EnterpriseRequest.objects.filter(concern__in=visible)
        .select_related("concern", "federation")
        .order_by("-created_at")[:limit]
    )
