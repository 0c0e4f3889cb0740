"""The SLA sweep: reminders (催办) before deadlines, overdue marks after, escalation past grace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django_tasks import task

from sanshi.concerns.actions import record_sla_notice
from sanshi.concerns.models import Concern, DangerCheck, SlaNotice, Status, SweepRun
from sanshi.concerns.sla import DEFAULT_POLICIES, policy_for
from sanshi.core import clock
from sanshi.core.errors import ConcurrentChange

# For each deadline: the date field and the statuses in which it is still running.
DEADLINES: dict[str, tuple[str, tuple[str, ...], Q]] = {
    "sign": ("sign_due", (Status.DISPATCHED,), Q()),
    "contact": (
        "contact_due",
        (Status.DISPATCHED, Status.SIGNED),
        Q(first_contact_at__isnull=True),
    ),
    "resolve": (
        "resolve_due",
        (Status.DISPATCHED, Status.SIGNED, Status.IN_PROGRESS, Status.REOPENED),
        Q(),
    ),
    # Danger triage was unsure of: a person checks it within minutes, whatever the status.
    "check": (
        "danger_check_due",
        tuple(s for s in Status.values if s != Status.MERGED),
        Q(danger_check=DangerCheck.PENDING),
    ),
}
# The check's own clock, in minutes rather than the urgency tier's hours.
CHECK_REMIND_BEFORE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class DueItem:
    concern: Concern
    deadline: str
    due: dt.datetime
    stage: str


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    escalated: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


# The SLA sweep's name in SweepRun (/healthz and /metrics read it).
SLA_SWEEP = "sla"


def _longest_lead() -> dt.timedelta:
    from sanshi.concerns.models import SlaPolicy

    stored = SlaPolicy.objects.values_list("remind_before_minutes", flat=True)
    defaults = [int(str(p["remind_before_minutes"])) for p in DEFAULT_POLICIES.values()]
    return dt.timedelta(minutes=max([*stored, *defaults]))


def running_deadlines(deadline: str, before: dt.datetime) -> QuerySet[Concern]:
    """Concerns whose `deadline` is still running and falls before `before`."""
    field_name, statuses, extra = DEADLINES[deadline]
    return (
        Concern.objects.filter(extra, status__in=statuses, **{f"{field_name}__lte": before})
        .select_related("org")
        .order_by(field_name, "pk")
    )


def due_items(now: dt.datetime) -> Iterator[DueItem]:
    """What the sweep should do now, deadline by deadline, at most one stage each."""
    grace = dt.timedelta(hours=settings.SANSHI_SLA_ESCALATION_GRACE_HOURS)
    horizon = now + _longest_lead()
    done = set(
        SlaNotice.objects.filter(due__lte=horizon).values_list(
            "concern_id", "deadline", "stage", "due"
        )
    )
    leads: dict[tuple[str, str], dt.timedelta] = {}
    check_grace = dt.timedelta(minutes=settings.SANSHI_DANGER_CHECK_GRACE_MINUTES)
    for deadline, (field_name, _statuses, _extra) in DEADLINES.items():
        for concern in running_deadlines(deadline, horizon).iterator(chunk_size=500):
            due: dt.datetime = getattr(concern, field_name)
            key = (concern.urgency, concern.category)
            if key not in leads:
                minutes = policy_for(concern.urgency, concern.category).remind_before_minutes
                leads[key] = dt.timedelta(minutes=minutes)
            if deadline == "check":
                stages = _stages(due, now, check_grace, CHECK_REMIND_BEFORE)
            else:
                stages = _stages(due, now, grace, leads[key])
            for stage in stages:
                if (concern.pk, deadline, stage, due) not in done:
                    yield DueItem(concern, deadline, due, stage)


def _stages(
    due: dt.datetime, now: dt.datetime, grace: dt.timedelta, lead: dt.timedelta
) -> list[str]:
    if now >= due + grace:
        return [SlaNotice.Stage.OVERDUE, SlaNotice.Stage.ESCALATED]
    if now >= due:
        return [SlaNotice.Stage.OVERDUE]
    return [SlaNotice.Stage.REMINDER] if now >= due - lead else []


def run_sla_sweep(now: dt.datetime) -> SweepResult:
    """One pass; safe to run twice at once (a unique notice row per deadline and stage)."""

    result = SweepResult()
    counters = {
        SlaNotice.Stage.REMINDER: "reminders",
        SlaNotice.Stage.OVERDUE: "overdue",
        SlaNotice.Stage.ESCALATED: "escalated",
    }
    for item in list(due_items(now)):
        try:
            made = record_sla_notice(
                item.concern, deadline=item.deadline, stage=item.stage, due=item.due
            )
        except ConcurrentChange:
            result.skipped += 1
            continue
        if made:
            name = counters[SlaNotice.Stage(item.stage)]
            setattr(result, name, getattr(result, name) + 1)
    record_sweep_run(SLA_SWEEP)
    return result


def record_sweep_run(name: str) -> None:
    """Note that a sweep finished now (/healthz reports one that stopped finishing)."""
    SweepRun.objects.update_or_create(name=name, defaults={"finished_at": clock.now()})


@task()
def sla_sweep() -> dict[str, int]:
    """The SLA sweep as a task, for deployments that schedule through the worker."""
    result = run_sla_sweep(clock.now())
    return {"reminders": result.reminders, "overdue": result.overdue, "escalated": result.escalated}
