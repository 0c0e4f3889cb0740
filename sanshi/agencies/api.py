"""The JSON API for agencies' projects (mounted at /api/v1/agencies): the projects one can
see, a project's outputs against its promises, recording an activity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from sanshi.agencies import actions
from sanshi.agencies.access import access_project, may_keep, projects_visible_to
from sanshi.agencies.models import Project
from sanshi.agencies.selectors import project_report
from sanshi.api.endpoints.common import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, caller, responses
from sanshi.api.schemas import MAX_ID, In

router = Router(tags=["agencies"])


class ProjectOut(Schema):
    id: int
    name: str
    agency: str
    serves: str
    funder: str
    target_groups: str
    starts_on: dt.date
    ends_on: dt.date


class ReportLineOut(Schema):
    metric: str
    label: str
    target: int | None
    actual: Decimal
    percent: int | None


class ProjectReportOut(ProjectOut):
    may_record: bool
    report: list[ReportLineOut]


class ProjectActivityIn(In):
    title: Annotated[str, Field(min_length=1, max_length=100)]
    held_on: dt.date
    participants: Annotated[int, Field(ge=0, le=100000)]
    hours: Annotated[Decimal, Field(gt=0, le=24, max_digits=4, decimal_places=1)]


class ProjectActivityOut(Schema):
    id: int
    project_id: int
    title: str
    held_on: dt.date
    participants: int
    hours: Decimal


def _project(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "agency": p.agency.name,
        "serves": p.serves.name,
        "funder": p.funder,
        "target_groups": p.target_groups,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
    }


def _id() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="the project's id")


@router.get(
    "/projects",
    response=responses({200: list[ProjectOut]}, LIST_ERRORS),
    summary="Projects I keep or whose area I lead",
)
def list_projects(request: HttpRequest) -> Any:
    rows = projects_visible_to(caller(request)).order_by("-starts_on", "name")[:200]
    return Status(200, [_project(p) for p in rows])


@router.get(
    "/projects/{project_id}",
    response=responses({200: ProjectReportOut}, READ_ERRORS),
    summary="A project with its outputs against promises",
)
def get_project(request: HttpRequest, project_id: int = _id()) -> Any:
    user = caller(request)
    project = access_project(user, project_id)
    lines = [
        {
            "metric": ln.metric,
            "label": ln.label,
            "target": ln.target,
            "actual": ln.actual,
            "percent": ln.percent,
        }
        for ln in project_report(project)
    ]
    return Status(
        200, {**_project(project), "may_record": may_keep(user, project), "report": lines}
    )


@router.post(
    "/projects/{project_id}/activities",
    response=responses({201: ProjectActivityOut}, WRITE_ERRORS),
    summary="Record an activity run under the project",
)
def create_activity(
    request: HttpRequest, payload: ProjectActivityIn, project_id: int = _id()
) -> Any:
    user = caller(request)
    project = access_project(user, project_id)
    activity = actions.record_activity(
        project,
        actor=user,
        title=payload.title,
        held_on=payload.held_on,
        participants=payload.participants,
        hours=payload.hours,
    )
    return Status(
        201,
        {
            "id": activity.pk,
            "project_id": project.pk,
            "title": activity.title,
            "held_on": activity.held_on,
            "participants": activity.participants,
            "hours": activity.hours,
        },
    )
