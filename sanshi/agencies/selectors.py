"""The project report: outputs against promises, counted from the records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from sanshi.agencies.models import Activity, Metric, Project
from sanshi.concerns.models import Concern, Status
from sanshi.core import clock
from sanshi.orgs.models import Membership, Org, Role

HANDLED = (Status.REPLIED, Status.CLOSED)


def agency_people(agency: Org) -> list[Membership]:
    """Who works for the agency today, and where its social workers serve (their roles in
    federations), the agency's own roles first."""
    day = timezone.localdate(clock.now())
    current = Membership.objects.filter(term_start__lte=day).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=day)
    )
    staff = list(
        current.filter(org=agency).select_related("person", "org").order_by("person__name")
    )
    serving = current.filter(person_id__in=[m.person_id for m in staff], role=Role.SOCIAL_WORKER)
    return staff + list(serving.exclude(org=agency).select_related("person", "org"))


@dataclass(frozen=True)
class Line:
    metric: str
    label: str
    target: int | None
    actual: Decimal

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return int(self.actual * 100 / self.target)


def project_report(project: Project) -> list[Line]:
    """Outputs against promises, counted from the records (concerns count once handled)."""
    acts = Activity.objects.filter(project=project).aggregate(
        n=Count("pk"), people=Sum("participants"), hours=Sum("hours")
    )
    handled = Concern.objects.filter(project_link__project=project, status__in=HANDLED).count()
    actual = {
        Metric.CONCERNS: Decimal(handled),
        Metric.ACTIVITIES: Decimal(acts["n"]),
        Metric.PARTICIPANTS: Decimal(acts["people"] or 0),
        Metric.HOURS: acts["hours"] or Decimal("0"),
    }
    targets = dict(project.promises.values_list("metric", "target"))
    return [Line(str(m), str(m.label), targets.get(m), actual[m]) for m in Metric]
