"""The 儿童之家 sweep, run every minute with the SLA sweep (`sanshi sla-sweep`) or on its own
(`sanshi pickup-sweep`): children not collected by closing time, absences, follow-ups.

Safe to run twice at once: every alert and every follow-up is claimed with a conditional
update or a unique row first, and only the pass that won it tells anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanshi.audit.actions import record_audit
from sanshi.childcare.models import Attendance, Child, FollowUp, Presence, Session
from sanshi.concerns.workcal import WorkingCalendar
from sanshi.network.actions import request_visit
from sanshi.notifications.actions import notify_users
from sanshi.orgs.models import Org, Role
from sanshi.orgs.selectors import ancestor_ids, people_with_role
from sanshi.places.models import Place
from sanshi.places.selectors import is_holiday

ABSENCES_IN_A_ROW = 3
NOT_COLLECTED = "child_not_collected"
VISIT_REQUESTED = "visit_requested"


@dataclass
class PickupSweepResult:
    managers_alerted: int = 0
    officers_alerted: int = 0
    absences: int = 0
    follow_ups: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def did_anything(self) -> bool:
        return bool(self.managers_alerted or self.officers_alerted or self.absences)

    def summary(self) -> str:
        return (
            f"pickup-sweep: {self.managers_alerted} managers alerted, "
            f"{self.officers_alerted} protection officers alerted, "
            f"{self.absences} absences, {self.follow_ups} follow-ups"
        )


def officer_delay() -> dt.timedelta:
    """How long after closing a child still there is the protection officer's business."""
    return dt.timedelta(
        minutes=int(getattr(settings, "SANSHI_CHILDCARE_OFFICER_DELAY_MINUTES", 30))
    )


def closing_time(session: Session) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(session.day, session.closes))


def run_pickup_sweep(now: dt.datetime) -> PickupSweepResult:
    """One pass: alert about children still in after closing, mark absences, follow up.

    The alerts are written in the site's language, whatever language the process last
    served a request in (the sweep also runs inside a web worker when the queue is away)."""
    result = PickupSweepResult()
    with translation.override(settings.LANGUAGE_CODE):
        _alert_not_collected(now, result)
        _mark_absences(now, result)
    return result


# ---------------------------------------------------------------- not collected


def _user_ids(org: Org, roles: tuple[str, ...]) -> set[int]:
    return set(
        people_with_role(org, roles).filter(user__isnull=False).values_list("user_id", flat=True)
    )


def manager_ids(place: Place) -> set[int]:
    """The place's managers; where it has none, the chair of its org."""
    found = set(place.managers.filter(is_active=True).values_list("pk", flat=True))
    return found or _user_ids(place.org, (Role.CHAIR,))


def officer_ids(place: Place) -> set[int]:
    """The protection officers of the lowest org with one, from the place's org up (as
    danger reaches them: triage.dispatch.danger_target); none anywhere: the administrators."""
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=ancestor_ids(place.org))}
    for org_id in reversed(ancestor_ids(place.org)):
        found = _user_ids(orgs[org_id], (Role.PROTECTION_OFFICER,))
        if found:
            return found
    user_model = get_user_model()
    return set(
        user_model.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True)
    )


def _alert_not_collected(now: dt.datetime, result: PickupSweepResult) -> None:
    today = timezone.localdate(now)
    still_in = (
        Attendance.objects.filter(
            status=Presence.IN, officer_alerted_at__isnull=True, session__day__lte=today
        )
        .select_related("session", "session__place", "session__place__org")
        .order_by("pk")
    )
    for row in still_in:
        closing = closing_time(row.session)
        if now < closing:
            continue
        if row.manager_alerted_at is None and _alert(row, "manager", now):
            result.managers_alerted += 1
        if now >= closing + officer_delay() and _alert(row, "officer", now):
            result.officers_alerted += 1


def _alert(row: Attendance, whom: str, now: dt.datetime) -> bool:
    """Claim this alert and send it in one transaction: sent once, or not claimed at all."""
    place = row.session.place
    with transaction.atomic():
        if not _claim(row, f"{whom}_alerted_at", now):
            return False
        _tell(row, manager_ids(place) if whom == "manager" else officer_ids(place), whom)
    return True


def _claim(row: Attendance, column: str, now: dt.datetime) -> bool:
    """Win the right to send this alert (once, whoever runs the sweep)."""
    claimed = Attendance.objects.filter(
        pk=row.pk, status=Presence.IN, **{f"{column}__isnull": True}
    ).update(**{column: now})
    setattr(row, column, now)
    return claimed == 1


def _tell(row: Attendance, user_ids: set[int], whom: str) -> None:
    place = row.session.place
    # Mail and SMS leave the system: the subject names the place, never the child.
    subject = _("%(place)s：有孩子闭馆后仍未被接走") % {"place": place.name}
    link = reverse("childcare:place", args=[place.pk])
    notify_users(user_ids, kind=NOT_COLLECTED, subject=subject, link=link)
    record_audit(
        None,
        f"childcare.not_collected_{whom}",
        "child",
        row.child_id,
        {"session": row.session_id, "told": sorted(user_ids)},
    )


# ---------------------------------------------------------------- absences


def _mark_absences(now: dt.datetime, result: PickupSweepResult) -> None:
    today = timezone.localdate(now)
    pending = Session.objects.filter(absences_marked_at__isnull=True, day__lte=today).order_by(
        "day", "pk"
    )
    calendar = WorkingCalendar()
    for session in pending:
        if now < closing_time(session):
            continue
        with transaction.atomic():
            claimed = Session.objects.filter(pk=session.pk, absences_marked_at__isnull=True).update(
                absences_marked_at=now
            )
            if claimed != 1:
                continue
            # A day the work calendar made a holiday after the session was opened: nobody
            # was expected, so nobody is absent.
            holiday = is_holiday(session.day, calendar)
            absent = [] if holiday else _absent_children(session)
            Attendance.objects.bulk_create(
                [Attendance(session=session, child=c, status=Presence.ABSENT) for c in absent]
            )
            result.absences += len(absent)
        for child in absent:
            if _follow_up(child, now):
                result.follow_ups += 1


def _absent_children(session: Session) -> list[Child]:
    came = Attendance.objects.filter(session=session).values("child_id")
    return list(
        Child.objects.filter(place_id=session.place_id, enrolled_on__lte=session.day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=session.day))
        .exclude(pk__in=came)
        .select_related("household", "household__keeper")
    )


def _follow_up(child: Child, now: dt.datetime) -> bool:
    """The third unexplained absence in a row asks the household's 执委 to drop by."""
    household = child.household
    if household is None or not household.active:
        return False
    last = list(
        Attendance.objects.filter(child=child).order_by("-session__day")[: ABSENCES_IN_A_ROW + 1]
    )
    run = last[:ABSENCES_IN_A_ROW]
    if len(run) < ABSENCES_IN_A_ROW or any(a.status != Presence.ABSENT for a in run):
        return False
    if len(last) > ABSENCES_IN_A_ROW and last[-1].status == Presence.ABSENT:
        return False  # the run was followed up when it reached three
    try:
        with transaction.atomic():
            FollowUp.objects.create(
                child=child,
                household=household,
                keeper=household.keeper,
                last_absence=run[0],
                opened_at=now,
            )
            request_visit(
                household, by=timezone.localdate(now), why="childcare_absences", actor=None
            )
            keeper_user = household.keeper.user_id
            if keeper_user is not None:
                notify_users(
                    {keeper_user},
                    kind=VISIT_REQUESTED,
                    subject=_("儿童之家：请抽空到您联系的一户家里看看"),
                    link=reverse("network:household", args=[household.pk]),
                )
            record_audit(
                None, "childcare.follow_up_opened", "child", child.pk, {"household": household.pk}
            )
    except IntegrityError:  # another pass opened it first
        return False
    return True
