"""The JSON API for projects: list, report, record an activity; denials change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sanshi.agencies.models import Activity, Project
from sanshi.agencies.tests.test_projects import agency, project, worker  # noqa: F401
from sanshi.api.tests.conftest import Api
from sanshi.audit.models import AuditEntry
from sanshi.testing import World

pytestmark = pytest.mark.django_db


def test_the_agency_reads_its_project_and_records_an_activity(
    world: World,
    project: Project,  # noqa: F811
    worker: Any,  # noqa: F811
) -> None:
    api = Api(worker)
    assert [p["id"] for p in api.get("/agencies/projects").json()] == [project.pk]
    created = api.post(
        f"/agencies/projects/{project.pk}/activities",
        {"title": "亲子阅读会", "held_on": "2026-03-01", "participants": 25, "hours": "2.5"},
    )
    assert created.status_code == 201
    assert (created.json()["title"], created.json()["participants"]) == ("亲子阅读会", 25)
    body = api.get(f"/agencies/projects/{project.pk}").json()
    lines = {line["metric"]: line for line in body["report"]}
    assert (lines["activities"]["actual"], lines["activities"]["target"]) == ("1", 4)
    assert lines["participants"]["percent"] == 25
    assert body["may_record"] is True


@pytest.mark.parametrize("who", ["member", "volunteer", "outside_member", "social_worker"])
def test_others_neither_see_nor_record(
    world: World,
    project: Project,  # noqa: F811
    who: str,
) -> None:
    api = Api(getattr(world, who))
    before = (Activity.objects.count(), AuditEntry.objects.count())
    assert api.get("/agencies/projects").json() == []
    assert api.get(f"/agencies/projects/{project.pk}").status_code == 404
    response = api.post(
        f"/agencies/projects/{project.pk}/activities",
        {"title": "x", "held_on": "2026-03-01", "participants": 1, "hours": "1"},
    )
    assert response.status_code == 404
    assert (Activity.objects.count(), AuditEntry.objects.count()) == before


def test_the_leader_reads_but_does_not_record(world: World, project: Project) -> None:  # noqa: F811
    api = Api(world.leader)
    before = Activity.objects.count()
    assert api.get(f"/agencies/projects/{project.pk}").json()["may_record"] is False
    response = api.post(
        f"/agencies/projects/{project.pk}/activities",
        {"title": "x", "held_on": "2026-03-01", "participants": 1, "hours": "1"},
    )
    assert response.status_code == 403
    assert Activity.objects.count() == before


def test_an_activity_outside_the_period_writes_nothing(
    world: World,
    project: Project,  # noqa: F811
    worker: Any,  # noqa: F811
) -> None:
    api = Api(worker)
    response = api.post(
        f"/agencies/projects/{project.pk}/activities",
        {"title": "x", "held_on": "2027-03-01", "participants": 1, "hours": "1"},
    )
    assert response.status_code == 400
    assert Activity.objects.count() == 0
    assert dt.date(2027, 3, 1) > project.ends_on
