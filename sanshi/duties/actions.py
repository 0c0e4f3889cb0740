"""Every write about duties: point rules, evaluations, trainings and attendance.

One function each, one transaction each, the audit row last inside it; input and the
actor's right are checked first, so a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction
from django.db.models import Q

from sanshi.audit.actions import record_audit
from sanshi.core import clock
from sanshi.core.errors import InvalidInput, NotAllowed
from sanshi.duties.access import (
    ATTENDEE_ROLES,
    EVALUATED_ROLES,
    may_evaluate,
    may_train,
)
from sanshi.duties.models import (
    RULE_FIELDS,
    Attendance,
    Audience,
    Evaluation,
    Grade,
    PointRule,
    Training,
)
from sanshi.duties.selectors import figures_for, points, rule_for, rule_values, today
from sanshi.orgs.models import Org, Person
from sanshi.orgs.selectors import active_memberships

User = AuthUser | AnonymousUser

MAX_POINTS = Decimal("1000")
MAX_REASON = 500


def _user(actor: User) -> AuthUser | None:
    return actor if isinstance(actor, AuthUser) else None


def _decimal(value: object, field: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field}: a number", fields={field: "invalid"}) from None
    if not number.is_finite() or not low <= number <= high:
        raise InvalidInput(f"{field}: from {low} to {high}", fields={field: "out of range"})
    return number


# ---------------------------------------------------------------- point rules


def set_point_rule(org: Org, *, actor: User, values: dict[str, object]) -> PointRule:
    """The chair sets her federation's point rules (every value, 0 to 1000 points)."""
    if not may_evaluate(actor, org):
        raise NotAllowed("only the federation's chair sets its point rules")
    missing = [name for name in RULE_FIELDS if name not in values]
    if missing:
        raise InvalidInput(f"{missing[0]} is required", fields={missing[0]: "required"})
    clean = {
        name: _decimal(values[name], name, low=Decimal("0"), high=MAX_POINTS)
        for name in RULE_FIELDS
    }
    before = rule_values(rule_for(org))
    now = clock.now()
    with transaction.atomic():
        rule, _created = PointRule.objects.select_for_update().get_or_create(org=org)
        PointRule.objects.filter(pk=rule.pk).update(
            **clean, updated_by=_user(actor), updated_at=now
        )
        rule.refresh_from_db()
        record_audit(
            actor,
            "duties.point_rule_set",
            "org",
            org.pk,
            {"before": before, "after": rule_values(rule)},
        )
    return rule


# ---------------------------------------------------------------- evaluations


def evaluate_member(
    org: Org, person: Person, *, actor: User, year: int, grade: str, reason: str
) -> Evaluation:
    """The chair's evaluation of a committee member's year, with her reason; a second
    evaluation of the same year replaces the first (both stay in the audit chain)."""
    if not may_evaluate(actor, org):
        raise NotAllowed("only the federation's chair evaluates its committee members")
    if not any(
        m.org_id == org.pk and m.role in EVALUATED_ROLES for m in active_memberships(person)
    ):
        raise InvalidInput("she is not on this committee", fields={"person": "not a member"})
    if grade not in Grade.values:
        raise InvalidInput("choose a grade", fields={"grade": "invalid"})
    this_year = today().year
    if not 2000 <= year <= this_year:
        raise InvalidInput("a past or the current year", fields={"year": "invalid"})
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(
            f"a reason of 1 to {MAX_REASON} characters", fields={"reason": "required"}
        )
    figures = figures_for(person, org, year)
    total, _lines = points(figures, rule_for(org))
    snapshot: dict[str, Any] = {**figures.as_dict(), "points": str(total)}
    fields = {
        "grade": grade,
        "reason": reason,
        "figures": snapshot,
        "evaluated_by": _user(actor),
        "evaluated_at": clock.now(),
    }
    with transaction.atomic():
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(org=org, person=person, year=year, **fields)
            replaced = None
        except IntegrityError:
            evaluation = Evaluation.objects.select_for_update().get(
                org=org, person=person, year=year
            )
            replaced = evaluation.grade
            for name, value in fields.items():
                setattr(evaluation, name, value)
            evaluation.save(update_fields=list(fields))
        record_audit(
            actor,
            "duties.member_evaluated",
            "person",
            person.pk,
            {
                "org": org.pk,
                "year": year,
                "grade": grade,
                "replaced": replaced,
                "points": str(total),
            },
        )
    return evaluation


# ---------------------------------------------------------------- trainings


def create_training(
    org: Org,
    *,
    actor: User,
    title: str,
    held_on: dt.date,
    hours: object,
    audience: str = Audience.ALL,
    place: str = "",
) -> Training:
    """A training session (素质提升) the federation runs."""
    if not may_train(actor, org):
        raise NotAllowed("only the federation's chairs and staff run its trainings")
    title = (title or "").strip()
    if not title or len(title) > 100:
        raise InvalidInput("a title of 1 to 100 characters", fields={"title": "required"})
    if audience not in Audience.values:
        raise InvalidInput("choose who the training is for", fields={"audience": "invalid"})
    if held_on.year < 2000 or held_on > today() + dt.timedelta(days=366):
        raise InvalidInput("a day within a year from now", fields={"held_on": "invalid"})
    place = (place or "").strip()
    if len(place) > 100:
        raise InvalidInput("the place: at most 100 characters", fields={"place": "too long"})
    amount = _decimal(hours, "hours", low=Decimal("0.1"), high=Decimal("24"))
    training = Training(
        org=org,
        title=title,
        audience=audience,
        held_on=held_on,
        hours=amount,
        place=place,
        created_by=_user(actor),
        created_at=clock.now(),
    )
    with transaction.atomic():
        training.save(force_insert=True)
        record_audit(actor, "duties.training_created", "training", training.pk, {"org": org.pk})
    return training


def eligible_attendees(training: Training) -> list[Person]:
    """Cadres and committee members of the training's federation and those below it."""
    day = today()
    return list(
        Person.objects.filter(
            memberships__org__path__startswith=training.org.path,
            memberships__role__in=ATTENDEE_ROLES,
            memberships__term_start__lte=day,
        )
        .filter(Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=day))
        .distinct()
        .order_by("name", "pk")
    )


def record_attendance(training: Training, people: list[Person], *, actor: User) -> int:
    """Record who attended (those already recorded are kept); how many were added."""
    if not may_train(actor, training.org):
        raise NotAllowed("only the federation's chairs and staff record attendance")
    if training.held_on > today():
        raise InvalidInput(
            "attendance is recorded on or after the day", fields={"held_on": "future"}
        )
    if not people:
        raise InvalidInput("choose who attended", fields={"people": "required"})
    allowed = {p.pk for p in eligible_attendees(training)}
    outside = [p for p in people if p.pk not in allowed]
    if outside:
        raise InvalidInput(
            "only cadres and committee members of this federation attend",
            fields={"people": "outside"},
        )
    now = clock.now()
    with transaction.atomic():
        have = set(Attendance.objects.filter(training=training).values_list("person_id", flat=True))
        new = [
            Attendance(training=training, person=p, recorded_by=_user(actor), recorded_at=now)
            for p in people
            if p.pk not in have
        ]
        Attendance.objects.bulk_create(new, ignore_conflicts=True)
        record_audit(
            actor,
            "duties.attendance_recorded",
            "training",
            training.pk,
            {"people": sorted(a.person_id for a in new)},
        )
    return len(new)
