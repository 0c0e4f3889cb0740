"""Every write to studios, honours and typical cases: validated, written and audited in
one transaction. Nothing reaches the public site without the rule that lets it: an honour
on the roll only with the honoured's consent, a case only from a resolved concern, with the
reporter's consent recorded and a second person's approval."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanshi.audit.actions import record_audit
from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.models import Concern, Status
from sanshi.core import clock
from sanshi.core.crypto import PHONE_IN_TEXT, normalise_phone
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.honours.access import handles_org, keeps_studio
from sanshi.honours.models import (
    CaseStatus,
    HonourKind,
    HonourLevel,
    Nomination,
    NominationStatus,
    Studio,
    StudioMember,
    StudioWork,
    TypicalCase,
    WorkKind,
)
from sanshi.orgs.models import Org
from sanshi.places.models import Place, PlaceKind

User = AuthUser | AnonymousUser

ID_NUMBER_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
FIRST_HONOUR_YEAR = 1950


def _user(actor: User) -> AuthUser | None:
    return actor if isinstance(actor, AuthUser) else None


def _text(text: str, what: str, *, limit: int, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(_("请填写完整"), fields={what: "required"})
    if len(text) > limit:
        raise InvalidInput(_("内容太长"), fields={what: "too long"})
    return text


def _today() -> dt.date:
    return timezone.localdate(clock.now())


# ---------------------------------------------------------------- studios


def set_up_studio(
    place: Place,
    *,
    actor: User,
    leader_name: str,
    leader_title: str = "",
    intro: str = "",
    opened_on: dt.date | None = None,
) -> Studio:
    """Give a 三八红旗手工作室 its page (once per place)."""
    if place.kind != PlaceKind.STUDIO:
        raise InvalidInput(_("只有三八红旗手工作室有工作室页面"), fields={"place": "kind"})
    manages = actor.is_authenticated and place.managers.filter(pk=int(actor.pk or 0)).exists()
    if not handles_org(actor, place.org) and not manages:
        raise NotAllowed(_("你不负责这个工作室"))
    if Studio.objects.filter(place=place).exists():
        raise Conflict(_("这个工作室已有页面"))
    studio = Studio(
        place=place,
        leader_name=_text(leader_name, "leader_name", limit=32),
        leader_title=_text(leader_title, "leader_title", limit=120, required=False),
        intro=_text(intro, "intro", limit=2000, required=False),
        opened_on=_opened_on(opened_on),
        created_at=clock.now(),
    )
    with transaction.atomic():
        studio.save(force_insert=True)
        record_audit(actor, "honours.studio_set_up", "place", place.pk, {})
    return studio


def add_team_member(studio: Studio, *, actor: User, name: str, role: str = "") -> StudioMember:
    """Put someone on the studio's team page (she agreed to be shown)."""
    if not keeps_studio(actor, studio):
        raise NotAllowed(_("你不负责这个工作室"))
    member = StudioMember(
        studio=studio,
        name=_text(name, "name", limit=32),
        role=_text(role, "role", limit=60, required=False),
        added_at=clock.now(),
    )
    with transaction.atomic():
        member.save(force_insert=True)
        record_audit(actor, "honours.studio_member_added", "place", studio.place_id, {})
    return member


def add_work(
    studio: Studio, *, actor: User, kind: str, title: str, summary: str, held_on: dt.date
) -> StudioWork:
    """Record a project the studio runs or an activity it held."""
    if not keeps_studio(actor, studio):
        raise NotAllowed(_("你不负责这个工作室"))
    if kind not in WorkKind.values:
        raise InvalidInput(_("类型不对"), fields={"kind": "unknown"})
    if held_on > _today():
        raise InvalidInput(_("日期不能在将来"), fields={"held_on": "future"})
    work = StudioWork(
        studio=studio,
        kind=kind,
        title=_text(title, "title", limit=100),
        summary=_text(summary, "summary", limit=1000, required=False),
        held_on=held_on,
        added_at=clock.now(),
    )
    with transaction.atomic():
        work.save(force_insert=True)
        record_audit(
            actor, "honours.studio_work_added", "place", studio.place_id, {"work": work.pk}
        )
    return work


def _opened_on(value: dt.date | None) -> dt.date | None:
    if value is not None and value > _today():
        raise InvalidInput(_("日期不能在将来"), fields={"opened_on": "future"})
    return value


def update_studio(
    studio: Studio,
    *,
    actor: User,
    leader_name: str,
    leader_title: str = "",
    intro: str = "",
    opened_on: dt.date | None = None,
) -> Studio:
    """Change the studio's leader, her title, the introduction or the opening date."""
    if not keeps_studio(actor, studio):
        raise NotAllowed(_("你不负责这个工作室"))
    values = {
        "leader_name": _text(leader_name, "leader_name", limit=32),
        "leader_title": _text(leader_title, "leader_title", limit=120, required=False),
        "intro": _text(intro, "intro", limit=2000, required=False),
        "opened_on": _opened_on(opened_on),
    }
    changed = sorted(name for name, value in values.items() if getattr(studio, name) != value)
    if not changed:
        return studio
    with transaction.atomic():
        Studio.objects.filter(pk=studio.pk).update(**{name: values[name] for name in changed})
        for name in changed:
            setattr(studio, name, values[name])
        record_audit(actor, "honours.studio_updated", "place", studio.place_id, {"fields": changed})
    return studio


def remove_team_member(member: StudioMember, *, actor: User) -> None:
    """Take someone off the studio's team page (she left, or no longer wants to be shown)."""
    if not keeps_studio(actor, member.studio):
        raise NotAllowed(_("你不负责这个工作室"))
    with transaction.atomic():
        if StudioMember.objects.filter(pk=member.pk).delete()[0] != 1:
            raise Conflict(_("已经移除了"))
        record_audit(
            actor,
            "honours.studio_member_removed",
            "place",
            member.studio.place_id,
            {"member": member.pk},
        )


def remove_work(work: StudioWork, *, actor: User) -> None:
    """Take a project or activity off the studio's page."""
    if not keeps_studio(actor, work.studio):
        raise NotAllowed(_("你不负责这个工作室"))
    with transaction.atomic():
        if StudioWork.objects.filter(pk=work.pk).delete()[0] != 1:
            raise Conflict(_("已经移除了"))
        record_audit(
            actor, "honours.studio_work_removed", "place", work.studio.place_id, {"work": work.pk}
        )


# ---------------------------------------------------------------- honours


def nominate(
    org: Org,
    *,
    actor: User,
    kind: str,
    level: str,
    year: int,
    nominee: str,
    unit: str = "",
    deeds: str = "",
) -> Nomination:
    """Put someone (a person, a collective, a family) forward for an honour."""
    if not handles_org(actor, org):
        raise NotAllowed(_("你不能替这个妇联推荐"))
    if kind not in HonourKind.values:
        raise InvalidInput(_("没有这种荣誉"), fields={"kind": "unknown"})
    if level not in HonourLevel.values:
        raise InvalidInput(_("没有这个级别"), fields={"level": "unknown"})
    if not FIRST_HONOUR_YEAR <= year <= _today().year + 1:
        raise InvalidInput(_("年份不对"), fields={"year": "range"})
    nomination = Nomination(
        org=org,
        kind=kind,
        level=level,
        year=year,
        nominee=_text(nominee, "nominee", limit=60),
        unit=_text(unit, "unit", limit=100, required=False),
        deeds=_text(deeds, "deeds", limit=4000, required=False),
        nominated_by=_user(actor),
        nominated_at=clock.now(),
    )
    with transaction.atomic():
        nomination.save(force_insert=True)
        record_audit(
            actor,
            "honours.nominated",
            "nomination",
            nomination.pk,
            {"kind": kind, "level": level, "year": year},
        )
    return nomination


def _step(
    nomination: Nomination,
    actor: User,
    *,
    frm: tuple[str, ...],
    to: str,
    action: str,
    **fields: Any,
) -> Nomination:
    if not handles_org(actor, nomination.org):
        raise NotAllowed(_("你不能审核这个推荐"))
    if to in (NominationStatus.AWARDED, NominationStatus.DECLINED) and (
        nomination.nominated_by_id == actor.pk
    ):
        raise NotAllowed(_("推荐人不能审核自己的推荐"))
    with transaction.atomic():
        changed = Nomination.objects.filter(pk=nomination.pk, status__in=frm).update(
            status=to, **fields
        )
        if changed != 1:
            raise Conflict(_("推荐的状态已经变了"))
        nomination.status = to
        for name, value in fields.items():
            setattr(nomination, name, value)
        record_audit(actor, f"honours.{action}", "nomination", nomination.pk, {"to": to})
    return nomination


def start_review(nomination: Nomination, *, actor: User) -> Nomination:
    return _step(
        nomination,
        actor,
        frm=(NominationStatus.NOMINATED,),
        to=NominationStatus.IN_REVIEW,
        action="review_started",
    )


def award(nomination: Nomination, *, actor: User, on: dt.date | None = None) -> Nomination:
    """The honour is conferred (by someone other than who nominated)."""
    day = on or _today()
    if day > _today():
        raise InvalidInput(_("日期不能在将来"), fields={"awarded_on": "future"})
    return _step(
        nomination,
        actor,
        frm=(NominationStatus.IN_REVIEW,),
        to=NominationStatus.AWARDED,
        action="awarded",
        awarded_on=day,
        reviewed_by=_user(actor),
        decided_at=clock.now(),
    )


def decline(nomination: Nomination, *, actor: User) -> Nomination:
    return _step(
        nomination,
        actor,
        frm=(NominationStatus.NOMINATED, NominationStatus.IN_REVIEW),
        to=NominationStatus.DECLINED,
        action="declined",
        reviewed_by=_user(actor),
        decided_at=clock.now(),
    )


def record_roll_consent(nomination: Nomination, *, actor: User, consent: bool) -> Nomination:
    """The honoured agreed to be on the public roll (or withdrew it: off at once)."""
    if not handles_org(actor, nomination.org):
        raise NotAllowed(_("你不能改这个推荐"))
    with transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(
            public_consent=consent, consent_on=_today() if consent else None
        )
        nomination.public_consent = consent
        nomination.consent_on = _today() if consent else None
        record_audit(
            actor, "honours.roll_consent", "nomination", nomination.pk, {"consent": consent}
        )
    return nomination


# ---------------------------------------------------------------- typical cases


def identifying_parts(concern: Concern) -> list[str]:
    """What in a case's text would point at the people of the concern."""
    parts = [concern.reporter_name.strip(), concern.address.strip()]
    phone = normalise_phone(concern.reporter_phone)
    return [p for p in [*parts, phone] if len(p) >= 2]


def check_deidentified(body: str, concern: Concern) -> None:
    """Refuse text that names the reporter, gives a phone or ID number, or the address."""
    digits = "".join(ch for ch in body if ch.isdigit())
    for part in identifying_parts(concern):
        if part in body or (part.isdigit() and part in digits):
            raise InvalidInput(
                _("案例里不能出现当事人的姓名、电话或地址"), fields={"body": "identifying"}
            )
    if PHONE_IN_TEXT.search(body) or ID_NUMBER_IN_TEXT.search(body):
        raise InvalidInput(_("案例里不能出现电话号码或身份证号"), fields={"body": "identifying"})


def write_case(
    concern: Concern, *, actor: User, title: str, body: str, reporter_consented: bool
) -> TypicalCase:
    """Staff write a de-identified typical case from a resolved concern (a draft)."""
    if not concerns_visible_to(actor).filter(pk=concern.pk).exists() or not handles_org(
        actor, concern.org
    ):
        raise NotAllowed(_("你不能用这件诉求写案例"))
    if concern.status != Status.CLOSED:
        raise Conflict(_("只有已办结的诉求才能写成典型案例"))
    title = _text(title, "title", limit=80)
    body = _text(body, "body", limit=4000)
    check_deidentified(f"{title}\n{body}", concern)
    if TypicalCase.objects.filter(concern=concern).exists():
        raise Conflict(_("这件诉求已经写过案例"))
    case = TypicalCase(
        concern=concern,
        org=concern.org,
        title=title,
        body=body,
        written_by=_user(actor),
        written_at=clock.now(),
        reporter_consent_on=_today() if reporter_consented else None,
        consent_noted_by=_user(actor) if reporter_consented else None,
    )
    with transaction.atomic():
        case.save(force_insert=True)
        record_audit(
            actor,
            "honours.case_written",
            "case",
            case.pk,
            {"concern": concern.pk, "consent": reporter_consented},
        )
    return case


def approve_case(case: TypicalCase, *, actor: User) -> TypicalCase:
    """A second person approves: the case goes on the public site."""
    if not handles_org(actor, case.org):
        raise NotAllowed(_("你不能审核这个案例"))
    if case.written_by_id == actor.pk:
        raise NotAllowed(_("写案例的人不能自己审核发布"))
    if case.reporter_consent_on is None:
        raise Conflict(_("当事人还没有同意公开"))
    check_deidentified(f"{case.title}\n{case.body}", case.concern)
    now = clock.now()
    with transaction.atomic():
        changed = TypicalCase.objects.filter(pk=case.pk, status=CaseStatus.DRAFT).update(
            status=CaseStatus.PUBLISHED, approved_by=_user(actor), published_at=now
        )
        if changed != 1:
            raise Conflict(_("案例的状态已经变了"))
        case.status, case.approved_by, case.published_at = CaseStatus.PUBLISHED, _user(actor), now
        record_audit(actor, "honours.case_published", "case", case.pk, {})
    return case


def withdraw_case(case: TypicalCase, *, actor: User) -> TypicalCase:
    """Take a published case off the site (the reporter changed her mind, or a mistake)."""
    if not handles_org(actor, case.org):
        raise NotAllowed(_("你不能撤下这个案例"))
    with transaction.atomic():
        changed = TypicalCase.objects.filter(pk=case.pk, status=CaseStatus.PUBLISHED).update(
            status=CaseStatus.WITHDRAWN
        )
        if changed != 1:
            raise Conflict(_("案例没有发布"))
        case.status = CaseStatus.WITHDRAWN
        record_audit(actor, "honours.case_withdrawn", "case", case.pk, {})
    return case
