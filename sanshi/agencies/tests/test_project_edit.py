"""Editing a project from the console: the agency or the federation corrects it, with an
audit row; others and bad input change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from sanshi.agencies import actions
from sanshi.agencies.models import Project, Promise
from sanshi.agencies.tests.test_projects import END, START, agency, project, worker  # noqa: F401
from sanshi.audit.models import AuditEntry
from sanshi.testing import World

pytestmark = pytest.mark.django_db

EDIT = {
    "name": "北部湾社区妇女儿童关爱服务项目（二期）",
    "funder": "海城区民政局",
    "starts_on": "2026-01-01",
    "ends_on": "2027-06-30",
    "target_groups": "留守儿童、困境妇女、单亲家庭",
    "activities": "6",
    "participants": "150",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state(project: Project) -> tuple[Any, ...]:  # noqa: F811
    row = Project.objects.get(pk=project.pk)
    return (
        (row.name, row.funder, row.starts_on, row.ends_on, row.target_groups),
        sorted(Promise.objects.filter(project=project).values_list("metric", "target")),
        AuditEntry.objects.count(),
    )


def test_the_agency_edits_its_project(world: World, project: Project, worker: Any) -> None:  # noqa: F811
    client = _client(worker)
    assert client.get(f"/agencies/projects/{project.pk}/edit/").status_code == 200
    response = client.post(f"/agencies/projects/{project.pk}/edit/", EDIT)
    assert response.status_code == 302
    row = Project.objects.get(pk=project.pk)
    assert (row.name, row.ends_on, row.target_groups) == (
        EDIT["name"],
        dt.date(2027, 6, 30),
        EDIT["target_groups"],
    )
    # Concerns and hours were left empty: those promises are withdrawn.
    assert sorted(Promise.objects.filter(project=project).values_list("metric", "target")) == [
        ("activities", 6),
        ("participants", 150),
    ]
    audit = AuditEntry.objects.get(action="agency.project_changed")
    assert audit.data["before"]["name"] == "北部湾社区妇女儿童关爱项目"
    assert audit.data["promises_before"] == {
        "activities": 4,
        "participants": 100,
        "concerns": 2,
        "hours": 10,
    }


def test_the_federation_above_edits_it_too(world: World, project: Project) -> None:  # noqa: F811
    actions.update_project(
        project,
        actor=world.county_staff,
        name="新名字",
        funder="海城区妇联",
        starts_on=START,
        ends_on=END,
    )
    assert Project.objects.get(pk=project.pk).name == "新名字"


@pytest.mark.parametrize(
    "who", ["member", "volunteer", "leader", "outside_member", "social_worker"]
)
def test_others_cannot_edit_and_nothing_changes(world: World, project: Project, who: str) -> None:  # noqa: F811
    client = _client(getattr(world, who))
    before = _state(project)
    response = client.post(f"/agencies/projects/{project.pk}/edit/", EDIT)
    assert response.status_code in (403, 404)
    assert _state(project) == before


def test_bad_edits_write_nothing(world: World, project: Project, worker: Any) -> None:  # noqa: F811
    actions.record_activity(
        project,
        actor=worker,
        title="亲子阅读会",
        held_on=dt.date(2026, 3, 1),
        participants=20,
        hours="2",
    )
    client = _client(worker)
    before = _state(project)
    for change in (
        {"ends_on": "2025-12-01"},
        {"starts_on": "2026-04-01"},
        {"name": ""},
        {"activities": "-1"},
    ):
        response = client.post(f"/agencies/projects/{project.pk}/edit/", {**EDIT, **change})
        assert response.status_code == 400, change
    assert _state(project) == before
