"""Every write to 儿童之家 children and sessions: one function each, one transaction each,
audited. Each checks its input and the actor's right first (bad input writes nothing).

A child leaves only with an adult on her list who gives that adult's pick-up code; a
refusal is itself written to the audit chain (who tried, when, why), and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanshi.audit.actions import record_audit
from sanshi.childcare.access import homes_cared_for
from sanshi.childcare.models import Attendance, Child, Collector, Presence, Session
from sanshi.concerns.workcal import WorkingCalendar
from sanshi.core import clock
from sanshi.core.crypto import blind_index
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.network.models import Household
from sanshi.places.models import OpeningHours, Place, PlaceKind
from sanshi.places.selectors import spans_on

User = AuthUser | AnonymousUser

MAX_COLLECTORS = 6
CODE_DIGITS = 6
MAX_REASON = 200


@dataclass(frozen=True)
class Adult:
    """A guardian or an adult allowed to collect the child."""

    name: str
    relation: str
    phone: str


# ---------------------------------------------------------------- checks


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _check_care(actor: User, place: Place) -> None:
    if not homes_cared_for(actor).filter(pk=place.pk).exists():
        raise NotAllowed(_("你不负责这个儿童之家"))


def _adult(adult: Adult, what: str) -> Adult:
    name, relation = adult.name.strip(), adult.relation.strip()
    phone = "".join(ch for ch in adult.phone if ch.isdigit() or ch == "+")
    if not name or len(name) > 32:
        raise InvalidInput(_("请填写姓名（最多 32 个字）"), fields={what: "name"})
    if not relation or len(relation) > 16:
        raise InvalidInput(_("请填写与孩子的关系"), fields={what: "relation"})
    if not 7 <= len(phone) <= 20:
        raise InvalidInput(_("请填写有效的电话号码"), fields={what: "phone"})
    return Adult(name, relation, phone)


def _name(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > 32:
        raise InvalidInput(_("请填写孩子的名字（最多 32 个字）"), fields={what: "required"})
    return text


def _birth_year(year: int | None) -> int | None:
    if year is None:
        return None
    this_year = _today().year
    if not this_year - 18 <= year <= this_year:
        raise InvalidInput(_("出生年份不对：儿童之家只收未成年人"), fields={"birth_year": "range"})
    return year


def _household(place: Place, household: Household | None) -> Household | None:
    if household is None:
        return None
    if not household.active or not household.org.path.startswith(place.org.path):
        raise InvalidInput(_("这户不在本社区的走访名单上"), fields={"household": "outside"})
    return household


def _reason(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_REASON:
        raise InvalidInput(_("原因最多 200 个字"), fields={"reason": "too long"})
    return text


def new_code() -> str:
    """A pick-up code: six random digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def _code_hash(child_id: int, code: str) -> str:
    return blind_index(code, f"childcare-pickup:{child_id}")


# ---------------------------------------------------------------- children


def enroll_child(
    place: Place,
    *,
    actor: User,
    name: str,
    first_name: str,
    guardian: Adult,
    collectors: list[Adult] | None = None,
    consent: bool,
    birth_year: int | None = None,
    household: Household | None = None,
) -> tuple[Child, list[tuple[Collector, str]]]:
    """Enrol a child with her guardian's consent; the guardian and the other adults she
    names may collect her. Returns the child and each collector's pick-up code, shown
    once (only its keyed hash is kept)."""
    _check_care(actor, place)
    if place.kind != PlaceKind.CHILDRENS_HOME:
        raise InvalidInput(_("只有儿童之家接收孩子"), fields={"place": "kind"})
    if not consent:
        raise InvalidInput(_("须经监护人同意才能登记孩子的信息"), fields={"consent": "required"})
    others = [_adult(a, "collectors") for a in (collectors or [])]
    guardian = _adult(guardian, "guardian")
    if 1 + len(others) > MAX_COLLECTORS:
        raise InvalidInput(_("最多 6 位接送人"), fields={"collectors": "too many"})
    today, now = _today(), clock.now()
    child = Child(
        place=place,
        name=_name(name, "name"),
        first_name=_name(first_name, "first_name"),
        birth_year=_birth_year(birth_year),
        guardian_name=guardian.name,
        guardian_relation=guardian.relation,
        guardian_phone=guardian.phone,
        household=_household(place, household),
        consent_on=today,
        enrolled_on=today,
        created_by=actor if isinstance(actor, AuthUser) else None,
        created_at=now,
    )
    with transaction.atomic():
        child.save(force_insert=True)
        made = [_save_collector(child, adult, actor, now) for adult in [guardian, *others]]
        record_audit(
            actor,
            "childcare.child_enrolled",
            "child",
            child.pk,
            {"place": place.pk, "collectors": len(made)},
        )
    return child, made


def _save_collector(
    child: Child, adult: Adult, actor: User, now: dt.datetime
) -> tuple[Collector, str]:
    code = new_code()
    collector = Collector.objects.create(
        child=child,
        name=adult.name,
        relation=adult.relation,
        phone=adult.phone,
        code_hash=_code_hash(child.pk, code),
        added_by=actor if isinstance(actor, AuthUser) else None,
        added_at=now,
    )
    return collector, code


def add_collector(child: Child, *, actor: User, adult: Adult) -> tuple[Collector, str]:
    """The guardian allows one more adult to collect the child; returns her code (once)."""
    _check_care(actor, child.place)
    adult = _adult(adult, "collector")
    if child.left_on is not None:
        raise Conflict(_("孩子已离开儿童之家"))
    if child.collectors.filter(active=True).count() >= MAX_COLLECTORS:
        raise InvalidInput(_("最多 6 位接送人"), fields={"collectors": "too many"})
    with transaction.atomic():
        collector, code = _save_collector(child, adult, actor, clock.now())
        record_audit(
            actor, "childcare.collector_added", "child", child.pk, {"collector": collector.pk}
        )
    return collector, code


def remove_collector(collector: Collector, *, actor: User) -> Collector:
    """The guardian withdraws an adult's permission: she may no longer collect the child."""
    _check_care(actor, collector.child.place)
    with transaction.atomic():
        changed = Collector.objects.filter(pk=collector.pk, active=True).update(active=False)
        if changed != 1:
            raise Conflict(_("这位接送人已被移除"))
        collector.active = False
        record_audit(
            actor,
            "childcare.collector_removed",
            "child",
            collector.child_id,
            {"collector": collector.pk},
        )
    return collector


def leave_child(child: Child, *, actor: User) -> Child:
    """The child no longer comes (moved, grew up): off the lists from today."""
    _check_care(actor, child.place)
    today = _today()
    with transaction.atomic():
        changed = Child.objects.filter(pk=child.pk, left_on__isnull=True).update(left_on=today)
        if changed != 1:
            raise Conflict(_("孩子已离开儿童之家"))
        child.left_on = today
        record_audit(actor, "childcare.child_left", "child", child.pk, {})
    return child


# ---------------------------------------------------------------- sessions


def hours_on(place: Place, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """The place's opening and closing time that day, or None when it is closed: not open
    that weekday, or a public holiday or rest day of the work calendar (no session is
    expected then, so no absence counts and no late-collection alert fires)."""
    hours = list(OpeningHours.objects.filter(place=place, weekday=day.weekday()))
    spans = spans_on(hours, day, WorkingCalendar())
    if not spans:
        return None
    return min(o for o, _c in spans), max(c for _o, c in spans)


def open_session(place: Place, *, actor: User) -> Session:
    """Today's session (opened now if it is not yet); the closing time is the place's."""
    _check_care(actor, place)
    today = _today()
    existing = Session.objects.filter(place=place, day=today).first()
    if existing is not None:
        return existing
    hours = hours_on(place, today)
    if hours is None:
        raise Conflict(_("儿童之家今天不开放"))
    session = Session(
        place=place,
        day=today,
        opens=hours[0],
        closes=hours[1],
        opened_by=actor if isinstance(actor, AuthUser) else None,
        opened_at=clock.now(),
    )
    try:
        with transaction.atomic():
            session.save(force_insert=True)
            record_audit(
                actor, "childcare.session_opened", "place", place.pk, {"day": today.isoformat()}
            )
    except IntegrityError:  # opened at the same moment by someone else
        return Session.objects.get(place=place, day=today)
    return session


def _enrolled_today(child: Child, day: dt.date) -> None:
    if child.enrolled_on > day or (child.left_on is not None and child.left_on <= day):
        raise Conflict(_("孩子不在儿童之家的名单上"))


def sign_in(child: Child, *, actor: User) -> Attendance:
    """The child has arrived (opens today's session when she is the first)."""
    _check_care(actor, child.place)
    session = open_session(child.place, actor=actor)
    _enrolled_today(child, session.day)
    now = clock.now()
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(session=session, child=child).first()
        if row is not None and row.status in (Presence.IN, Presence.OUT):
            raise Conflict(_("孩子今天已经签到"))
        if row is None:
            row = Attendance(session=session, child=child)
        row.status, row.signed_in_at = Presence.IN, now
        row.signed_in_by = actor if isinstance(actor, AuthUser) else None
        row.absence_reason = ""
        _save_once(row)
        record_audit(actor, "childcare.signed_in", "child", child.pk, {"session": session.pk})
    return row


def _save_once(row: Attendance) -> None:
    """Save the day's row; a row someone else made meanwhile is a Conflict, not a 500."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise Conflict(_("孩子今天的记录刚被别人改了，请刷新")) from None


def sign_out(child: Child, *, actor: User, collector_id: int | None, code: str) -> Attendance:
    """Hand the child to an adult on her list who gives that adult's pick-up code.

    Anyone else is refused: the refusal (who tried, when, why) is audited, nothing else
    changes, and the child stays signed in."""
    _check_care(actor, child.place)
    session = Session.objects.filter(place=child.place, day=_today()).first()
    row = (
        Attendance.objects.filter(session=session, child=child).first()
        if session is not None
        else None
    )
    if row is None or row.status != Presence.IN:
        raise Conflict(_("孩子今天没有签到，或已被接走"))
    collector = (
        child.collectors.filter(pk=collector_id, active=True).first()
        if collector_id is not None
        else None
    )
    if collector is None:
        _refuse(actor, child, "not_on_list")
        raise NotAllowed(_("只能把孩子交给名单上的接送人"))
    if not hmac.compare_digest(collector.code_hash, _code_hash(child.pk, (code or "").strip())):
        _refuse(actor, child, "wrong_code", collector=collector.pk)
        raise NotAllowed(_("接送码不对，不能接走孩子"))
    now = clock.now()
    with transaction.atomic():
        changed = Attendance.objects.filter(pk=row.pk, status=Presence.IN).update(
            status=Presence.OUT,
            signed_out_at=now,
            signed_out_by=actor if isinstance(actor, AuthUser) else None,
            collected_by=collector,
        )
        if changed != 1:
            raise Conflict(_("孩子已被接走"))
        record_audit(
            actor,
            "childcare.signed_out",
            "child",
            child.pk,
            {
                "session": session.pk if session else None,
                "collector": collector.pk,
                "after_alert": row.manager_alerted_at is not None,
            },
        )
    row.refresh_from_db()
    return row


def _refuse(actor: User, child: Child, why: str, **data: Any) -> None:
    record_audit(actor, "childcare.pickup_refused", "child", child.pk, {"why": why, **data})


def excuse_absence(
    child: Child, *, actor: User, reason: str, day: dt.date | None = None
) -> Attendance:
    """The guardian said why the child stays away (today, or a past session): an excused
    absence does not count towards a follow-up."""
    _check_care(actor, child.place)
    reason = _reason(reason)
    if not reason:
        raise InvalidInput(_("请写明请假原因"), fields={"reason": "required"})
    day = day or _today()
    session = (
        open_session(child.place, actor=actor)
        if day == _today()
        else Session.objects.filter(place=child.place, day=day).first()
    )
    if session is None:
        raise InvalidInput(_("那天儿童之家没有开放"), fields={"day": "closed"})
    _enrolled_today(child, day)
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(session=session, child=child).first()
        if row is not None and row.status in (Presence.IN, Presence.OUT):
            raise Conflict(_("孩子那天来了，不是缺席"))
        if row is None:
            row = Attendance(session=session, child=child)
        row.status, row.absence_reason = Presence.EXCUSED, reason
        _save_once(row)
        record_audit(actor, "childcare.absence_excused", "child", child.pk, {"session": session.pk})
    return row
