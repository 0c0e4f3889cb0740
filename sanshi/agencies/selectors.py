"""The project report: outputs against promises, counted from the records."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from sanshi.agencies.models import Activity, Metric, Project
from sanshi.concerns.models import Concern, Status

HANDLED = (Status.REPLIED, Status.CLOSED)


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
