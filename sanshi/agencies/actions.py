"""Every write about agencies' projects: one function each, one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction

from sanshi.agencies.access import AGENCY_ROLES, may_keep
from sanshi.agencies.models import Activity, Metric, Project, ProjectConcern, Promise
from sanshi.audit.actions import record_audit
from sanshi.concerns import permissions as perm
from sanshi.concerns.access import concerns_visible_to
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from sanshi.core.types import User
from sanshi.orgs.models import Org


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        raise InvalidInput(f"{field}: 1 to {limit} characters", fields={field: "invalid"})
    return value


def create_project(
    agency: Org,
    *,
    actor: User,
    serves: Org,
    name: str,
    funder: str,
    starts_on: dt.date,
    ends_on: dt.date,
    target_groups: str = "",
    promises: dict[str, int] | None = None,
) -> Project:
    """Record a contracted project with the outputs it promises."""
    if agency.kind != Org.Kind.SOCIAL_ORG:
        raise InvalidInput("projects belong to a social-work agency", fields={"agency": "kind"})
    grants = perm.grants(actor)
    if not (
        perm.holds_at(grants, agency, AGENCY_ROLES)
        or perm.holds_at_or_above(grants, serves, perm.SUPERVISOR_ROLES)
    ):
        raise NotAllowed("you may not record projects for this agency")
    if ends_on <= starts_on:
        raise InvalidInput("a project ends after it starts", fields={"ends_on": "before start"})
    wanted = promises or {}
    bad = [m for m, n in wanted.items() if m not in Metric.values or n < 0]
    if bad:
        raise InvalidInput(f"unknown output {bad[0]!r}", fields={"promises": bad[0]})
    project = Project(
        agency=agency,
        serves=serves,
        name=_text(name, "name", 100),
        funder=_text(funder, "funder", 100),
        starts_on=starts_on,
        ends_on=ends_on,
        target_groups=_text(target_groups, "target_groups", 200, required=False),
        created_at=clock.now(),
    )
    with transaction.atomic():
        project.save(force_insert=True)
        Promise.objects.bulk_create(
            [Promise(project=project, metric=m, target=n) for m, n in sorted(wanted.items())]
        )
        record_audit(actor, "agency.project_created", "project", project.pk, {"agency": agency.pk})
    return project


def record_activity(
    project: Project, *, actor: User, title: str, held_on: dt.date, participants: int, hours: object
) -> Activity:
    """An activity run under the project: when, how many took part, how long."""
    if not may_keep(actor, project):
        raise NotAllowed("you may not record activities of this project")
    if not project.starts_on <= held_on <= project.ends_on:
        raise InvalidInput("the day falls in the project's period", fields={"held_on": "outside"})
    if participants < 0 or participants > 100000:
        raise InvalidInput("participants: 0 to 100000", fields={"participants": "invalid"})
    try:
        amount = Decimal(str(hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput("hours as a number", fields={"hours": "invalid"}) from None
    if not Decimal("0") < amount <= Decimal("24"):
        raise InvalidInput("hours: more than 0, at most 24", fields={"hours": "invalid"})
    activity = Activity(
        project=project,
        title=_text(title, "title", 100),
        held_on=held_on,
        participants=participants,
        hours=amount,
        recorded_by=actor if isinstance(actor, AuthUser) else None,
        created_at=clock.now(),
    )
    with transaction.atomic():
        activity.save(force_insert=True)
        record_audit(
            actor, "agency.activity_recorded", "project", project.pk, {"activity": activity.pk}
        )
    return activity


def link_concern(project: Project, concern_id: int, *, actor: User) -> ProjectConcern:
    """Count a concern the actor can see, in the project's area, as handled under it."""
    if not may_keep(actor, project):
        raise NotAllowed("you may not link concerns to this project")
    concern = concerns_visible_to(actor).filter(pk=concern_id).first()
    if concern is None:
        raise NotFound("no such concern")
    if not concern.org.path.startswith(project.serves.path):
        raise InvalidInput(
            "the concern is outside the project's area", fields={"concern": "outside"}
        )
    link = ProjectConcern(
        project=project,
        concern=concern,
        linked_by=actor if isinstance(actor, AuthUser) else None,
        linked_at=clock.now(),
    )
    try:
        with transaction.atomic():
            link.save(force_insert=True)
            record_audit(
                actor, "agency.concern_linked", "project", project.pk, {"concern": concern.pk}
            )
    except IntegrityError:
        raise Conflict("the concern already counts for a project") from None
    return link


def update_project(
    project: Project,
    *,
    actor: User,
    name: str,
    funder: str,
    starts_on: dt.date,
    ends_on: dt.date,
    target_groups: str = "",
    promises: dict[str, int] | None = None,
) -> Project:
    """Correct a project's name, funder, period, target groups or promised outputs.

    The period must still hold every activity recorded under the project; a promise left out
    is withdrawn. The audit row keeps what was there before.
    """
    if not may_keep(actor, project):
        raise NotAllowed("you may not change this project")
    if ends_on <= starts_on:
        raise InvalidInput("a project ends after it starts", fields={"ends_on": "before start"})
    wanted = promises or {}
    bad = [m for m, n in wanted.items() if m not in Metric.values or n < 0]
    if bad:
        raise InvalidInput(f"unknown output {bad[0]!r}", fields={"promises": bad[0]})
    outside = project.activities.exclude(held_on__gte=starts_on, held_on__lte=ends_on)
    if outside.exists():
        raise InvalidInput(
            "activities were recorded outside that period",
            fields={"starts_on": "activities outside"},
        )
    fields = {
        "name": _text(name, "name", 100),
        "funder": _text(funder, "funder", 100),
        "target_groups": _text(target_groups, "target_groups", 200, required=False),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    before = {k: str(getattr(project, k)) for k in fields}
    before_promises = dict(project.promises.values_list("metric", "target"))
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(**fields)
        project.promises.exclude(metric__in=list(wanted)).delete()
        for metric, target in sorted(wanted.items()):
            Promise.objects.update_or_create(
                project=project, metric=metric, defaults={"target": target}
            )
        for key, value in fields.items():
            setattr(project, key, value)
        record_audit(
            actor,
            "agency.project_changed",
            "project",
            project.pk,
            {
                "before": before,
                "promises_before": before_promises,
                "promises_after": dict(sorted(wanted.items())),
            },
        )
    return project
