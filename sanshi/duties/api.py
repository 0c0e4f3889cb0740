"""The JSON API a committee member's phone needs for her duties (mounted at
/api/v1/duties): her yearly report (述职) with its points and evaluation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from sanshi.api.endpoints.common import LIST_ERRORS, caller, responses
from sanshi.api.schemas import In
from sanshi.core.errors import InvalidInput
from sanshi.duties.selectors import (
    evaluation_of,
    figures_for,
    member_orgs,
    points,
    rule_for,
    today,
)
from sanshi.orgs.selectors import person_for_user

router = Router(tags=["duties"])


class DutiesYearQuery(In):
    year: int | None = None


class PointLineOut(Schema):
    label: str
    count: int
    each: Decimal
    points: Decimal


class ReportOut(Schema):
    org_id: int
    org: str
    year: int
    visits: int
    concerns_handled: int
    activities: int
    trainings: int
    training_hours: Decimal
    overdue: int
    returned: int
    points: Decimal
    lines: list[PointLineOut]
    grade: str | None
    reason: str | None


@router.get(
    "/me",
    response=responses({200: list[ReportOut]}, LIST_ERRORS),
    summary="My yearly report in each federation where I serve",
)
def my_reports(request: HttpRequest, query: Query[DutiesYearQuery]) -> Any:
    year = query.year or today().year
    if not 2000 <= year <= today().year:
        raise InvalidInput("a year from 2000 to this year", fields={"year": "invalid"})
    person = person_for_user(caller(request))
    rows = []
    for org in member_orgs(person) if person else []:
        figures = figures_for(person, org, year)  # type: ignore[arg-type]
        total, lines = points(figures, rule_for(org))
        evaluation = evaluation_of(org, person, year)  # type: ignore[arg-type]
        rows.append(
            {
                "org_id": org.pk,
                "org": org.name,
                "year": year,
                **figures.as_dict(),
                "training_hours": figures.training_hours,
                "points": total,
                "lines": [vars(line) for line in lines],
                "grade": evaluation.grade if evaluation else None,
                "reason": evaluation.reason if evaluation else None,
            }
        )
    return Status(200, rows)
