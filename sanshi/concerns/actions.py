"""Every step of a concern's lifecycle: one function each, one transaction each.

Each action validates, checks the actor's right to act, writes the concern with a
conditional UPDATE (WHERE status = the status it saw, so a concurrent change loses cleanly)
and appends its timeline row. An illegal step raises IllegalTransition (409).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from sanshi.audit.actions import AuditRow, record_audits
from sanshi.concerns import permissions as perm
from sanshi.concerns.models import (
    REFERRAL_REFERENCE_MAX,
    Assignment,
    BreakGlassGrant,
    Channel,
    Concern,
    ConcernEvent,
    ContactMethod,
    DangerCheck,
    EventKind,
    LegalBasis,
    LegalStep,
    ReferralBody,
    Satisfaction,
    Status,
    Urgency,
    must_be_protected,
)
from sanshi.concerns.search import index_terms
from sanshi.concerns.sla import deadlines_from, policy_for
from sanshi.concerns.tasks import notify_event, notify_events
from sanshi.concerns.taxonomy import taxonomy
from sanshi.concerns.tracking import new_tracking_code
from sanshi.core import clock
from sanshi.core.crypto import phone_index
from sanshi.core.errors import ConcurrentChange, IllegalTransition, InvalidInput, NotAllowed
from sanshi.core.outbox import enqueue_on_commit
from sanshi.core.types import User
from sanshi.messaging.hooks import message_events
from sanshi.notifications.policy import notifies
from sanshi.orgs.models import Division, Org, Person
from sanshi.orgs.selectors import person_for_user

OPEN_HANDLING = perm.OPEN_HANDLING
UNDISPATCHED = perm.UNDISPATCHED
MERGEABLE = perm.MERGEABLE
ESCALATABLE = perm.ESCALATABLE
MAX_TEXT = 4000


# ---------------------------------------------------------------- helpers


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        raise NotAllowed(f"you may not {what} this concern")


def _require_status(concern: Concern, action: str, allowed: Iterable[str]) -> None:
    if concern.status not in allowed:
        raise IllegalTransition(action, concern.status)


def _reason(text: str, what: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"a {what} is required", fields={what: "required"})
    return text


_notify: contextvars.ContextVar[bool] = contextvars.ContextVar("sanshi_notify", default=True)


@contextlib.contextmanager
def notifications_off() -> Iterator[None]:
    """Write history without notifying anyone (the demo loader replays a year)."""
    token = _notify.set(False)
    try:
        yield
    finally:
        _notify.reset(token)


def _new_event(
    concern: Concern,
    kind: str,
    *,
    actor: User | None,
    org: Org | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> ConcernEvent:
    """A timeline row, not yet written (`_record_events` writes it)."""
    return ConcernEvent(
        concern=concern,
        kind=kind,
        at=at or clock.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        org=org,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _record_events(concern: Concern, events: list[ConcernEvent]) -> None:
    """Write timeline rows (several in one INSERT), each with its audit row and, where someone
    must hear of it, its notification."""
    ConcernEvent.objects.bulk_create(events)  # sets each row's id
    _recorded(concern, events)


def _recorded(concern: Concern, events: list[ConcernEvent]) -> None:
    """Audit rows and notifications for timeline rows just written."""
    # Every write to a concern also goes into the tamper-evident audit chain.
    record_audits(
        [
            AuditRow(
                event.actor, f"concern.{event.kind}", "concern", concern.pk, {"event": event.pk}
            )
            for event in events
        ]
    )
    if _notify.get():
        message_events(concern, events)  # the resident's SMS, under sanshi.messaging's rules
    # One task for the events of one write (intake's received and dispatched rows share it).
    told = [event.pk for event in events if notifies(event.kind, concern.urgency)]
    if told and _notify.get():
        _enqueue_notifications(told)


def _event(concern: Concern, kind: str, *, actor: User | None, **details: Any) -> ConcernEvent:
    event = _new_event(concern, kind, actor=actor, **details)
    _record_events(concern, [event])
    return event


def _enqueue_notifications(event_ids: list[int]) -> None:
    if len(event_ids) == 1:
        enqueue_on_commit(notify_event, event_ids[0])
    else:
        enqueue_on_commit(notify_events, event_ids)


def _write(
    concern: Concern,
    *,
    to: str | None = None,
    where: dict[str, Any] | None = None,
    **fields: Any,
) -> None:
    """UPDATE the row only if its status (and `where`) is still what we saw; else someone was
    first."""
    now = clock.now()
    values: dict[str, Any] = {"updated_at": now, **fields}
    if to is not None:
        values["status"] = to
    rows = Concern.objects.filter(pk=concern.pk, status=concern.status, **(where or {}))
    changed = rows.update(**values)
    if changed != 1:
        current = Concern.objects.filter(pk=concern.pk).values_list("status", flat=True).first()
        raise ConcurrentChange(
            f"the concern changed meanwhile (it is now {current}); reload and try again"
        )
    # Keep the instance as written: the values we sent, and what the database made of the
    # expressions (counters). No full re-read, which would also decrypt every sealed field.
    computed = [name for name, value in values.items() if hasattr(value, "resolve_expression")]
    for name, value in values.items():
        if name not in computed:
            setattr(concern, name, _as_read_back(value))
    if computed:
        concern.refresh_from_db(fields=computed)


def _as_read_back(value: Any) -> Any:
    """A value as the database gives it back: times in UTC (a deadline counted in working
    days is computed in local time; the same instant must not print two ways)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def _step(
    concern: Concern,
    kind: str,
    *,
    actor: User | None,
    to: str | None = None,
    org: Org | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Concern:
    before = concern.status
    _write(concern, to=to, **fields)
    _event(
        concern,
        kind,
        actor=actor,
        org=org,
        from_status=before,
        to_status=concern.status,
        note=note,
        data=data,
    )
    return concern


def _set_deadlines_from(concern: Concern, start: dt.datetime) -> dict[str, dt.datetime]:
    due = deadlines_from(start, policy_for(concern.urgency, concern.category))
    return {"sign_due": due.sign, "contact_due": due.contact, "resolve_due": due.resolve}


def _classify(category: str, subcategory: str) -> tuple[str, str, str, bool]:
    """Check codes against the taxonomy; return category, subcategory, sanshi, urgent."""
    tax = taxonomy()
    if subcategory:
        sub = tax.subcategories.get(subcategory)
        if sub is None:
            raise InvalidInput(
                f"unknown subcategory {subcategory!r}", fields={"subcategory": subcategory}
            )
        if category and category != sub.category:
            raise InvalidInput(
                f"subcategory {subcategory} is not in category {category}",
                fields={"category": category},
            )
        return sub.category, sub.code, sub.sanshi, sub.urgent
    if category:
        cat = tax.by_code.get(category)
        if cat is None:
            raise InvalidInput(f"unknown category {category!r}", fields={"category": category})
        return cat.code, "", cat.sanshi, False
    return "", "", "caoxin", False


def _assign(
    concern: Concern,
    person: Person,
    role: str,
    actor: User | None,
    *,
    replaces: list[int] | None = None,
) -> None:
    try:
        with transaction.atomic():
            Assignment.objects.create(
                concern=concern, person=person, role=role, assigned_at=clock.now()
            )
    except IntegrityError:
        return  # already an active handler: nothing to add
    _event(
        concern,
        EventKind.ASSIGNED,
        actor=actor,
        org=concern.org,
        data={"person": person.pk, "role": role, **({"replaces": replaces} if replaces else {})},
    )


def _lead_by_work(concern: Concern, actor: User) -> None:
    """The person who signs, contacts or replies and is not yet a handler becomes the lead;
    the former lead stays on as assisting (协办), so the page names who does the work and
    the timeline keeps who was named first."""
    person = person_for_user(actor)
    if person is None or concern.assignments.filter(person=person, active=True).exists():
        return
    if not perm.holds_at(perm.grants(actor), concern.org, perm.HANDLER_ROLES):
        return  # someone from above helping out (a protection officer, a county dispatcher)
    former = list(
        concern.assignments.filter(active=True, role=Assignment.Role.LEAD).values_list(
            "person_id", flat=True
        )
    )
    if former:
        concern.assignments.filter(active=True, role=Assignment.Role.LEAD).update(
            role=Assignment.Role.ASSIST
        )
    _assign(concern, person, Assignment.Role.LEAD, actor, replaces=former)


def _deactivate_assignments(concern: Concern) -> None:
    Assignment.objects.filter(concern=concern, active=True).update(active=False)


# ---------------------------------------------------------------- intake


# Django's `Choices.values` builds its list on every call; intake checks these every time.
_CHANNELS = frozenset(Channel.values)
_LEGAL_BASES = frozenset(LegalBasis.values)
_URGENCIES = frozenset(Urgency.values)


def minor_consent_problem(*, minor_under_14: bool, legal_basis: str, guardian_consent: bool) -> str:
    """Why a concern about a child under 14 may not be taken in, in the visitor's language;
    "" when it may.

    Only consent needs the guardian: the guardian's own report is her consent, and a third
    party's report of harm to a child (未成年人保护法 art. 11) or an emergency (PIPL art. 13)
    rests on another legal basis, with no guardian's consent.
    """
    if not minor_under_14 or legal_basis != LegalBasis.CONSENT or guardian_consent:
        return ""
    return gettext(
        "涉及未满14周岁的孩子，需要监护人同意。邻居、老师、亲属等知情人反映孩子受到伤害的，"
        "请注明您是知情人，无需监护人同意。"
    )


def check_receivable(
    *,
    text: str,
    channel: str,
    category: str = "",
    subcategory: str = "",
    urgency: str | None = None,
    legal_basis: str = LegalBasis.CONSENT,
) -> tuple[str, str, str, str, bool]:
    """What `receive_concern` refuses, checked before anything is written; the clean text,
    category, subcategory, 三事 class and whether it is urgent. (The consent rule is
    intake's: sanshi.intake.take_in.legal_basis_for.)"""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("describe what happened", fields={"text": "required"})
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"at most {MAX_TEXT} characters", fields={"text": "too long"})
    if channel not in _CHANNELS:
        raise InvalidInput(f"unknown channel {channel!r}", fields={"channel": channel})
    if legal_basis not in _LEGAL_BASES:
        raise InvalidInput(
            f"unknown legal basis {legal_basis!r}", fields={"legal_basis": legal_basis}
        )
    if urgency is not None and urgency not in _URGENCIES:
        raise InvalidInput(f"unknown urgency {urgency!r}", fields={"urgency": urgency})
    category, subcategory, sanshi, urgent = _classify(category, subcategory)
    return text, category, subcategory, sanshi, urgent


def receive_concern(
    *,
    text: str,
    channel: str,
    org: Org,
    actor: User | None = None,
    category: str = "",
    subcategory: str = "",
    urgency: str | None = None,
    division: Division | None = None,
    community: Org | None = None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    minor_under_14: bool = False,
    member: Person | None = None,
    protected: bool = False,
    legal_basis: str = LegalBasis.CONSENT,
    consent_version: str = "",
    guardian_consent: bool = False,
    publish_consent: bool = False,
    source_client: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    triage: dict[str, Any] | None = None,
    triage_version: str = "",
    rng: random.Random | None = None,
    dispatch_to: Org | None = None,
    dispatch_note: str = "",
) -> Concern:
    """Take in a concern at the org that will dispatch it (首接负责制).

    With `dispatch_to` (an org below `org`) the system dispatches it in the same write: one
    row, inserted dispatched, with its received and dispatched timeline rows (auto-dispatch).
    """
    text, category, subcategory, sanshi, urgent = check_receivable(
        text=text,
        channel=channel,
        category=category,
        subcategory=subcategory,
        urgency=urgency,
        legal_basis=legal_basis,
    )
    level = Urgency.CRITICAL if urgent else (urgency or Urgency.NORMAL)
    now = clock.now()
    is_protected = protected or must_be_protected(urgency=level, minor_under_14=minor_under_14)
    phone = "" if anonymous else reporter_phone.strip()
    fields = dict(
        channel=channel,
        text=text,
        # keyed hashes of its words, never the words (sanshi.concerns.search)
        search_text="" if is_protected else index_terms(text, names=[reporter_name]),
        reporter_phone_index=phone_index(phone),
        division=division,
        community=community,
        address=address.strip(),
        reporter_name="" if anonymous else reporter_name.strip(),
        reporter_phone=phone,
        anonymous=anonymous,
        minor_under_14=minor_under_14,
        member=member,
        category=category,
        subcategory=subcategory,
        sanshi=sanshi,
        urgency=level,
        protected=is_protected,
        legal_basis=legal_basis,
        consent_version=consent_version,
        guardian_consent=guardian_consent,
        publish_consent=publish_consent,
        source_client=source_client,
        latitude=latitude,
        longitude=longitude,
        triage=triage or {},
        triage_version=triage_version,
        org=org,
        status=Status.RECEIVED,
        received_at=now,
        updated_at=now,
        **_danger_check_fields(triage, level, now),
    )
    concern = Concern(**fields)
    events = [
        _new_event(
            concern,
            EventKind.RECEIVED,
            actor=actor,
            org=org,
            to_status=Status.RECEIVED,
            data={"channel": channel},
            at=now,
        ),
        *_danger_check_events(concern, now),
    ]
    if dispatch_to is not None:
        events.append(_dispatch_in_memory(concern, dispatch_to, now=now, note=dispatch_note))
    # Checked above: only the database can fail from here, so no savepoint of our own.
    with transaction.atomic(savepoint=False):
        _insert_with_tracking_code(concern, events, rng)
        _recorded(concern, events)
    return concern


def _danger_check_fields(
    triage: dict[str, Any] | None, urgency: str, now: dt.datetime
) -> dict[str, Any]:
    """Triage unsure whether it is danger, and not already critical: a person checks it within
    SANSHI_DANGER_CHECK_MINUTES (the SLA sweep reminds and escalates)."""
    if urgency == Urgency.CRITICAL or not (triage or {}).get("needs_check"):
        return {}
    minutes = settings.SANSHI_DANGER_CHECK_MINUTES
    return {
        "danger_check": DangerCheck.PENDING,
        "danger_check_due": now + dt.timedelta(minutes=minutes),
    }


def _danger_check_events(concern: Concern, now: dt.datetime) -> list[ConcernEvent]:
    """The timeline row that puts a new concern on the duty officers' check-for-danger list."""
    if concern.danger_check != DangerCheck.PENDING or concern.danger_check_due is None:
        return []
    flags = concern.triage.get("danger") or []
    kinds = sorted({str(d.get("kind", "")) for d in flags if isinstance(d, dict)} - {""})
    due = timezone.localtime(concern.danger_check_due).isoformat()
    return [
        _new_event(
            concern,
            EventKind.DANGER_CHECK,
            actor=None,
            org=concern.org,
            data={"due": due, "kinds": kinds},
            at=now,
        )
    ]


def _dispatch_in_memory(
    concern: Concern, to_org: Org, *, now: dt.datetime, note: str
) -> ConcernEvent:
    """Dispatch a concern not yet written, by the system (auto-dispatch at intake): the row
    is inserted dispatched; its timeline row, unwritten."""
    from_org = concern.org
    # To the receiving org itself too: danger goes to its own protection officer at once.
    if not to_org.path.startswith(from_org.path):
        raise InvalidInput(
            "a concern is dispatched only down the receiving org's own tree",
            fields={"org": str(to_org.pk)},
        )
    for name, value in _dispatch_values(concern, to_org, now).items():
        setattr(concern, name, _as_read_back(value))
    concern.status = Status.DISPATCHED
    concern.org, concern.dispatching_org = to_org, from_org  # no query to read them back
    return _new_event(
        concern,
        EventKind.DISPATCHED,
        actor=None,
        org=to_org,
        from_status=Status.RECEIVED,
        to_status=Status.DISPATCHED,
        note=note,
        data={"from_org": from_org.pk},
        at=now,
    )


def _insert_with_tracking_code(
    concern: Concern, events: list[ConcernEvent], rng: random.Random | None
) -> None:
    """Insert a new concern with its first timeline rows."""
    if rng is None:
        # 54 random bits: at ten million stored concerns a new code collides about once in
        # 10^9 intakes. Such a collision fails this write as a ConcurrentChange ("try
        # again"; nothing was taken in) rather than costing every intake a savepoint.
        concern.tracking_code = new_tracking_code()
        try:
            _insert_with_events(concern, events)
        except IntegrityError as exc:
            raise ConcurrentChange("could not take the concern in; try again") from exc
        return
    # A seeded sequence (reproducible demo data) can repeat itself: draw again.
    for _attempt in range(5):
        concern.tracking_code = new_tracking_code(rng)
        try:
            with transaction.atomic():
                _insert_with_events(concern, events)
            return
        except IntegrityError:
            continue
    raise ConcurrentChange("could not allocate a tracking code; try again")


def _insert_with_events(concern: Concern, events: list[ConcernEvent]) -> None:
    concern.save(force_insert=True)
    ConcernEvent.objects.bulk_create(events)  # each takes the concern's new key


# ---------------------------------------------------------------- dispatch, sign, return


def _dispatch_values(concern: Concern, to_org: Org, now: dt.datetime) -> dict[str, Any]:
    """What dispatching writes on the concern's row (a dispatch, or an intake that dispatches
    in the same write)."""
    return {
        "org_id": to_org.pk,
        "dispatching_org_id": concern.org_id,
        "dispatched_at": now,
        "first_dispatched_at": concern.first_dispatched_at or now,
        "overdue_since": None,
        **_set_deadlines_from(concern, now),
    }


@transaction.atomic
def dispatch_concern(
    concern: Concern,
    to_org: Org,
    *,
    actor: User | None,
    handlers: Iterable[Person] = (),
    note: str = "",
) -> Concern:
    """Send a received or returned concern to the org (and people) that will handle it."""
    _require_status(concern, "dispatch", UNDISPATCHED)
    if actor is not None:
        _require(perm.may_dispatch(actor, concern, to_org), "dispatch")
    from_org = concern.org
    _step(
        concern,
        EventKind.DISPATCHED,
        actor=actor,
        to=Status.DISPATCHED,
        org=to_org,
        note=note,
        data={"from_org": from_org.pk},
        **_dispatch_values(concern, to_org, clock.now()),
    )
    concern.org = to_org  # the org just written: no query to read it back
    for person in handlers:
        _assign(concern, person, Assignment.Role.LEAD, actor)
    return concern


@transaction.atomic
def assign_handler(
    concern: Concern, person: Person, *, actor: User | None, role: str = Assignment.Role.ASSIST
) -> Concern:
    """Add a handler to an open concern."""
    if not concern.is_open:
        raise IllegalTransition("assign", concern.status)
    if actor is not None:
        _require(perm.may_handle(actor, concern) or perm.may_supervise(actor, concern), "assign")
    if role not in Assignment.Role.values:
        raise InvalidInput(f"unknown handler role {role!r}", fields={"role": role})
    _assign(concern, person, role, actor)
    return concern


@transaction.atomic
def sign_concern(concern: Concern, *, actor: User) -> Concern:
    """Sign for a dispatched concern (签收); exactly one of two simultaneous signers wins."""
    _require_status(concern, "sign", (Status.DISPATCHED,))
    _require(perm.may_handle(actor, concern), "sign")
    _step(
        concern,
        EventKind.SIGNED,
        actor=actor,
        to=Status.SIGNED,
        org=concern.org,
        signed_at=clock.now(),
    )
    person = person_for_user(actor)
    if person is not None and not concern.assignments.filter(active=True).exists():
        _assign(concern, person, Assignment.Role.LEAD, actor)
    else:
        _lead_by_work(concern, actor)
    return concern


@transaction.atomic
def return_concern(concern: Concern, *, actor: User, reason: str) -> Concern:
    """Send a wrongly assigned concern back to the dispatcher (退单), with a reason."""
    _require_status(concern, "return", (Status.DISPATCHED, Status.SIGNED))
    _require(perm.may_handle(actor, concern), "return")
    reason = _reason(reason)
    back_to = concern.dispatching_org or concern.org
    returning_org = concern.org
    _step(
        concern,
        EventKind.RETURNED,
        actor=actor,
        to=Status.RETURNED,
        org=returning_org,
        note=reason,
        data={"back_to": back_to.pk},
        org_id=back_to.pk,
        return_count=F("return_count") + 1,
        signed_at=None,
        sign_due=None,
        contact_due=None,
        resolve_due=None,
        overdue_since=None,
    )
    _deactivate_assignments(concern)
    return concern


# ---------------------------------------------------------------- handling


CONTACT_METHODS = frozenset(ContactMethod.values)
REFERRAL_BODIES = frozenset(ReferralBody.values)


@transaction.atomic
def log_contact(concern: Concern, *, actor: User, method: str, outcome: str) -> Concern:
    """Record a contact with the resident; a home visit (入户走访) is method 'visit'."""
    _require_status(concern, "log a contact on", OPEN_HANDLING)
    _require(perm.may_handle(actor, concern), "log a contact on")
    if method not in CONTACT_METHODS:
        raise InvalidInput(f"unknown contact method {method!r}", fields={"method": method})
    outcome = _reason(outcome, "outcome")
    kind = EventKind.VISIT if method == "visit" else EventKind.CONTACT
    _lead_by_work(concern, actor)
    return _step(
        concern,
        kind,
        actor=actor,
        to=Status.IN_PROGRESS,
        org=concern.org,
        note=outcome,
        data={"method": method},
        first_contact_at=concern.first_contact_at or clock.now(),
    )


@transaction.atomic
def refer_concern(
    concern: Concern,
    *,
    actor: User,
    body: str,
    reference: str = "",
    follow_up_on: dt.date | None = None,
    note: str = "",
) -> Concern:
    """Refer to an outside body (公安, 法院, 民政, ...) with its reference and a follow-up date."""
    _require_status(concern, "refer", OPEN_HANDLING)
    _require(perm.may_handle(actor, concern), "refer")
    if body not in REFERRAL_BODIES:
        raise InvalidInput(f"unknown body {body!r}", fields={"body": body})
    if len(reference.strip()) > REFERRAL_REFERENCE_MAX:
        raise InvalidInput(
            f"at most {REFERRAL_REFERENCE_MAX} characters", fields={"reference": "too long"}
        )
    data = {
        "body": body,
        "reference": reference.strip(),
        "follow_up_on": follow_up_on.isoformat() if follow_up_on else None,
    }
    return _step(
        concern,
        EventKind.REFERRAL,
        actor=actor,
        to=Status.IN_PROGRESS,
        org=concern.org,
        note=note.strip(),
        data=data,
    )


@transaction.atomic
def add_note(concern: Concern, *, actor: User, note: str) -> Concern:
    """An internal note on the timeline (never shown to the resident)."""
    if not concern.is_open:
        raise IllegalTransition("add a note to", concern.status)
    _require(perm.may_handle(actor, concern) or perm.may_supervise(actor, concern), "note")
    return _step(concern, EventKind.NOTE, actor=actor, org=concern.org, note=_reason(note, "note"))


@transaction.atomic
def request_extension(concern: Concern, *, actor: User, until: dt.datetime, reason: str) -> Concern:
    """Ask for more time to resolve (延期)."""
    _require_status(concern, "request an extension for", OPEN_HANDLING)
    _require(perm.may_handle(actor, concern), "request an extension for")
    reason = _reason(reason)
    if concern.extension_requested_until is not None:
        raise IllegalTransition("request a second extension for", "awaiting an extension decision")
    if concern.resolve_due is not None and until <= concern.resolve_due:
        raise InvalidInput(
            "the new deadline must be after the current one", fields={"until": "too early"}
        )
    return _step(
        concern,
        EventKind.EXTENSION_REQUESTED,
        actor=actor,
        org=concern.org,
        note=reason,
        data={"until": until.isoformat()},
        extension_requested_until=until,
    )


@transaction.atomic
def decide_extension(concern: Concern, *, actor: User, approve: bool, note: str = "") -> Concern:
    """Approve or refuse a pending extension request."""
    if concern.extension_requested_until is None:
        raise IllegalTransition("decide an extension for", "without a pending request")
    _require_status(concern, "decide an extension for", OPEN_HANDLING)
    _require(perm.may_decide_extension(actor, concern), "decide an extension for")
    until = concern.extension_requested_until
    if approve:
        return _step(
            concern,
            EventKind.EXTENSION_APPROVED,
            actor=actor,
            org=concern.org,
            note=note.strip(),
            data={"until": until.isoformat()},
            resolve_due=until,
            extension_requested_until=None,
            overdue_since=None,
            extension_count=F("extension_count") + 1,
        )
    return _step(
        concern,
        EventKind.EXTENSION_REFUSED,
        actor=actor,
        org=concern.org,
        note=_reason(note),
        extension_requested_until=None,
    )


@transaction.atomic
def reply_concern(concern: Concern, *, actor: User, reply: str) -> Concern:
    """Answer the resident (答复); concerns merged into this one are answered too."""
    _require_status(concern, "reply to", OPEN_HANDLING)
    _require(perm.may_handle(actor, concern), "reply to")
    reply = _reason(reply, "reply")
    now = clock.now()
    _lead_by_work(concern, actor)
    _step(
        concern,
        EventKind.REPLIED,
        actor=actor,
        to=Status.REPLIED,
        org=concern.org,
        note=reply,
        replied_at=now,
        reply=reply,
    )
    for child in Concern.objects.filter(merged_into=concern, status=Status.MERGED):
        _step(
            child,
            EventKind.REPLIED,
            actor=actor,
            to=Status.REPLIED,
            org=concern.org,
            note=reply,
            data={"via": concern.pk},
            replied_at=now,
            reply=reply,
        )
    return concern


# ---------------------------------------------------------------- follow-up and closing


@transaction.atomic
def record_follow_up(
    concern: Concern,
    *,
    actor: User | None,
    solved: bool,
    satisfaction: str,
    comment: str = "",
    method: str = "resident",
) -> Concern:
    """The resident's answer at follow-up (回访): solved closes it, not solved reopens it (重办).

    `actor` None means the resident rated it on the tracking page; staff who asked by phone
    or on a visit record it as themselves.
    """
    _require_status(concern, "follow up", (Status.REPLIED,))
    if actor is not None:
        _require(perm.may_supervise(actor, concern), "follow up")
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(
            f"unknown satisfaction {satisfaction!r}", fields={"satisfaction": satisfaction}
        )
    if method not in ("resident", "phone", "visit"):
        raise InvalidInput(f"unknown follow-up method {method!r}", fields={"method": method})
    now = clock.now()
    rating = dict(
        solved=solved, satisfaction=satisfaction, rating_comment=comment.strip(), rated_at=now
    )
    data = {"solved": solved, "satisfaction": satisfaction, "method": method}
    if solved:
        return _step(
            concern,
            EventKind.FOLLOWED_UP,
            actor=actor,
            to=Status.CLOSED,
            org=concern.org,
            note=comment.strip(),
            data=data,
            closed_at=now,
            **rating,
        )
    fields = _set_deadlines_from(concern, now)
    return _step(
        concern,
        EventKind.REOPENED,
        actor=actor,
        to=Status.REOPENED,
        org=concern.org,
        note=comment.strip(),
        data=data,
        reopen_count=F("reopen_count") + 1,
        replied_at=None,
        resolve_due=fields["resolve_due"],
        overdue_since=None,
        **rating,
    )


@transaction.atomic
def close_concern(concern: Concern, *, actor: User, reason: str) -> Concern:
    """Close without a rating: the resident could not be reached, or it was not a concern."""
    _require_status(concern, "close", (Status.REPLIED, *UNDISPATCHED))
    _require(perm.may_supervise(actor, concern), "close")
    return _step(
        concern,
        EventKind.CLOSED,
        actor=actor,
        to=Status.CLOSED,
        org=concern.org,
        note=_reason(reason),
        closed_at=clock.now(),
    )


# ---------------------------------------------------------------- merge, escalate, reclassify


@transaction.atomic
def merge_concern(
    concern: Concern, *, into: Concern, actor: User | None, note: str = ""
) -> Concern:
    """Fold a concern into another about the same thing; each resident is still answered."""
    _require_status(concern, "merge", MERGEABLE)
    if into.pk == concern.pk or into.merged_into_id is not None or not into.is_open:
        raise InvalidInput("merge into another open concern that is not itself merged")
    if actor is not None:
        _require(perm.may_supervise(actor, concern) and perm.may_supervise(actor, into), "merge")
    _step(
        concern,
        EventKind.MERGED,
        actor=actor,
        to=Status.MERGED,
        org=into.org,
        note=note,
        data={"into": into.pk, "into_code": into.tracking_code},
        merged_into_id=into.pk,
    )
    _deactivate_assignments(concern)
    _event(
        into,
        EventKind.MERGED,
        actor=actor,
        org=into.org,
        note=note,
        data={"from": concern.pk, "from_code": concern.tracking_code},
    )
    return concern


@transaction.atomic
def escalate_concern(
    concern: Concern,
    *,
    actor: User | None,
    reason: str,
    to_org: Org | None = None,
    department: str = "",
) -> Concern:
    """Blow the whistle (吹哨): to the parent org, or to a named department."""
    _require_status(concern, "escalate", ESCALATABLE)
    if actor is not None:
        _require(perm.may_handle(actor, concern) or perm.may_supervise(actor, concern), "escalate")
    department = department.strip()
    if (to_org is None) == (not department):
        raise InvalidInput("escalate to the parent org or to a department, one of the two")
    if to_org is not None and to_org.pk != concern.org.parent_id:
        raise InvalidInput(
            "escalate to the concern's parent org", fields={"to_org": str(to_org.pk)}
        )
    return _step(
        concern,
        EventKind.ESCALATED,
        actor=actor,
        org=to_org,
        note=_reason(reason),
        data={"department": department},
        escalated_to=to_org,
        escalated_department=department,
    )


@transaction.atomic
def record_escalation_response(
    concern: Concern, *, actor: User, response: str, rating: str = ""
) -> Concern:
    """What the org or department did when the whistle blew (报到), and how it is rated."""
    if concern.escalated_to_id is None and not concern.escalated_department:
        raise IllegalTransition("record an escalation response on", "not escalated")
    target = concern.escalated_to
    _require(
        perm.may_record_escalation_response(actor, concern), "record an escalation response on"
    )
    if rating and rating not in Satisfaction.values:
        raise InvalidInput(f"unknown rating {rating!r}", fields={"rating": rating})
    return _step(
        concern,
        EventKind.ESCALATION_RESPONSE,
        actor=actor,
        org=target,
        note=_reason(response, "response"),
        data={"rating": rating},
    )


@transaction.atomic
def reclassify_concern(
    concern: Concern, *, actor: User, category: str, subcategory: str, reason: str
) -> Concern:
    """Correct the category (feeds triage learning); an urgent subcategory makes it critical."""
    if not concern.is_open:
        raise IllegalTransition("reclassify", concern.status)
    _require(perm.may_reclassify(actor, concern), "reclassify")
    reason = _reason(reason)
    category, subcategory, sanshi, urgent = _classify(category, subcategory)
    before = {"category": concern.category, "subcategory": concern.subcategory}
    fields: dict[str, Any] = {"category": category, "subcategory": subcategory, "sanshi": sanshi}
    if urgent:
        fields.update(urgency=Urgency.CRITICAL, **_protection_fields(concern, Urgency.CRITICAL))
    return _step(
        concern,
        EventKind.RECLASSIFIED,
        actor=actor,
        org=concern.org,
        note=reason,
        data={"before": before, "after": {"category": category, "subcategory": subcategory}},
        **fields,
    )


@transaction.atomic
def change_urgency(concern: Concern, *, actor: User, urgency: str, reason: str) -> Concern:
    """A person sets the urgency tier, with a reason; deadlines follow the new tier."""
    if not concern.is_open:
        raise IllegalTransition("change the urgency of", concern.status)
    _require(perm.may_reclassify(actor, concern), "change the urgency of")
    if urgency not in Urgency.values:
        raise InvalidInput(f"unknown urgency {urgency!r}", fields={"urgency": urgency})
    reason = _reason(reason)
    if urgency == concern.urgency:
        raise InvalidInput(f"the urgency is already {urgency}", fields={"urgency": urgency})
    data = {"before": concern.urgency, "after": urgency}
    # Raised to critical: protected from now. Lowered: it stays protected (unprotect_concern).
    fields: dict[str, Any] = {"urgency": urgency, **_protection_fields(concern, urgency)}
    if urgency == Urgency.CRITICAL and concern.danger_check == DangerCheck.PENDING:
        fields["danger_check"] = DangerCheck.CONFIRMED  # a person just said it is danger
    if concern.dispatched_at is not None:
        policy = policy_for(urgency, concern.category)
        due = deadlines_from(concern.dispatched_at, policy)
        fields.update(sign_due=due.sign, contact_due=due.contact, resolve_due=due.resolve)
    return _step(
        concern,
        EventKind.URGENCY_CHANGED,
        actor=actor,
        org=concern.org,
        note=reason,
        data=data,
        **fields,
    )


def _protection_fields(concern: Concern, urgency: str) -> dict[str, Any]:
    """What protecting a concern writes, when the rule says it must be and it is not yet."""
    if concern.protected or not must_be_protected(
        urgency=urgency, minor_under_14=concern.minor_under_14
    ):
        return {}
    return {"protected": True, "search_text": ""}


# ---------------------------------------------------------------- danger triage was unsure of


@transaction.atomic
def check_danger(concern: Concern, *, confirmed: bool, reason: str, actor: User) -> Concern:
    """A duty officer's word on a concern triage was unsure of, with a reason: danger confirmed
    (critical and protected from now, deadlines from now) or cleared (the record keeps who and
    why). Only a person settles a check; nothing in the system calls this without one."""
    if concern.danger_check != DangerCheck.PENDING:
        raise IllegalTransition("check for danger", concern.danger_check or "no check pending")
    _require(actor.is_authenticated and perm.may_check_danger(actor, concern), "check")
    reason = _reason(reason)
    fields: dict[str, Any] = {"danger_check": DangerCheck.CLEARED}
    kind = EventKind.DANGER_CLEARED
    if confirmed:
        kind = EventKind.DANGER_CONFIRMED
        fields = {
            "danger_check": DangerCheck.CONFIRMED,
            "urgency": Urgency.CRITICAL,
            **_protection_fields(concern, Urgency.CRITICAL),
        }
        if concern.dispatched_at is not None and concern.status not in UNDISPATCHED:
            due = deadlines_from(clock.now(), policy_for(Urgency.CRITICAL, concern.category))
            fields.update(sign_due=due.sign, contact_due=due.contact, resolve_due=due.resolve)
    before = {"urgency": concern.urgency, "protected": concern.protected}
    _write(concern, where={"danger_check": DangerCheck.PENDING}, **fields)
    _event(
        concern,
        kind,
        actor=actor,
        org=concern.org,
        note=reason,
        data={"confirmed": confirmed, "before": before},
    )
    return concern


@transaction.atomic
def take_concern(concern: Concern, *, actor: User) -> Concern:
    """A protection officer takes a protected concern waiting for dispatch into her own hands
    (接手): dispatched where it is, signed by her, she its lead handler."""
    _require_status(concern, "take", UNDISPATCHED)
    _require(perm.may_take(actor, concern), "take")
    person = person_for_user(actor)
    if person is None:
        raise NotAllowed("only a person with a profile may take a concern")
    now = clock.now()
    _step(
        concern,
        EventKind.DISPATCHED,
        actor=actor,
        to=Status.DISPATCHED,
        org=concern.org,
        note="权益保护专员接手",
        data={"from_org": concern.org_id, "taken": True},
        **_dispatch_values(concern, concern.org, now),
    )
    _step(concern, EventKind.SIGNED, actor=actor, to=Status.SIGNED, org=concern.org, signed_at=now)
    _assign(concern, person, Assignment.Role.LEAD, actor)
    return concern


@transaction.atomic
def unprotect_concern(concern: Concern, *, actor: User, reason: str) -> Concern:
    """Lift a concern's protection (its text searchable again), a person's decision with a
    reason; refused while it is critical or about a child under 14."""
    if not concern.protected:
        raise InvalidInput("the concern is not protected")
    _require(perm.may_unprotect(actor, concern), "unprotect")
    return _step(
        concern,
        EventKind.UNPROTECTED,
        actor=actor,
        org=concern.org,
        note=_reason(reason),
        protected=False,
        search_text=index_terms(concern.text, names=[concern.reporter_name]),
    )


# ---------------------------------------------------------------- deadlines (the sweep)


@transaction.atomic
def record_sla_notice(concern: Concern, *, deadline: str, stage: str, due: dt.datetime) -> bool:
    """Remind, mark overdue or escalate once for one deadline; False when already done."""
    from sanshi.concerns.models import SlaNotice

    try:
        with transaction.atomic():
            SlaNotice.objects.create(
                concern=concern, deadline=deadline, stage=stage, due=due, at=clock.now()
            )
    except IntegrityError:
        return False
    data = {"deadline": deadline, "due": timezone.localtime(due).isoformat()}
    if stage == SlaNotice.Stage.REMINDER:
        _step(concern, EventKind.REMINDER, actor=None, org=concern.org, data=data)
    elif stage == SlaNotice.Stage.OVERDUE:
        # A late check for danger is the duty officer's delay, not the handling's.
        late: dict[str, Any] = {}
        if deadline != "check":
            late["overdue_since"] = concern.overdue_since or due
        _step(concern, EventKind.OVERDUE, actor=None, org=concern.org, data=data, **late)
    else:
        parent = concern.org.parent
        if parent is None:
            return True  # the top of the tree has nobody above it to escalate to
        _step(
            concern,
            EventKind.ESCALATED,
            actor=None,
            org=parent,
            data={**data, "auto": True},
            # The clock is named on the timeline from data["deadline"], in the reader's language.
            note="",
            escalated_to=parent,
        )
    return True


# ---------------------------------------------------------------- legal steps (DV and child protection)

# What each step records, and how long its follow-up may take. Law sets some limits (a court
# decides on a protection order within 72 h, 24 h when urgent: Anti-Domestic Violence Law
# Art 28); the visit after a police warning (Art 17) and the shelter follow-up are local
# practice, so these are defaults.
LEGAL_STEP_FIELDS: dict[str, tuple[str, ...]] = {
    LegalStep.Step.MANDATORY_REPORT: ("reported_to", "reported_at", "reference"),
    LegalStep.Step.POLICE_WARNING: ("police_station", "issued_on", "reference"),
    LegalStep.Step.PROTECTION_ORDER: ("court", "applied_on", "urgent", "reference"),
    LegalStep.Step.SHELTER_REFERRAL: ("shelter", "referred_on", "reference"),
}
LEGAL_STEP_DUE: dict[str, dt.timedelta | None] = {
    LegalStep.Step.MANDATORY_REPORT: None,
    LegalStep.Step.POLICE_WARNING: dt.timedelta(days=7),
    LegalStep.Step.PROTECTION_ORDER: dt.timedelta(hours=72),
    LegalStep.Step.SHELTER_REFERRAL: dt.timedelta(days=1),
}


@transaction.atomic
def record_legal_step(
    concern: Concern,
    *,
    actor: User,
    step: str,
    details: dict[str, Any],
    due: dt.datetime | None = None,
) -> LegalStep:
    """Record a legal step taken for the victim (a report, a warning, an order, a shelter)."""
    if not concern.is_open:
        raise IllegalTransition("record a legal step on", concern.status)
    _require(perm.may_act_on_legal_steps(actor, concern), "record a legal step on")
    if step not in LEGAL_STEP_FIELDS:
        raise InvalidInput(f"unknown legal step {step!r}", fields={"step": step})
    unknown = sorted(set(details) - set(LEGAL_STEP_FIELDS[step]))
    if unknown:
        raise InvalidInput(
            f"unknown details for {step}: {', '.join(unknown)}",
            fields={name: "unknown" for name in unknown},
        )
    clean = {k: v if isinstance(v, bool) else str(v).strip() for k, v in details.items()}
    now = clock.now()
    if due is None and LEGAL_STEP_DUE[step] is not None:
        window = LEGAL_STEP_DUE[step]
        if step == LegalStep.Step.PROTECTION_ORDER and clean.get("urgent") is True:
            window = dt.timedelta(hours=24)
        due = now + window if window is not None else None
    legal = LegalStep.objects.create(
        concern=concern, step=step, details=clean, due=due, created_at=now
    )
    _step(
        concern,
        EventKind.LEGAL_STEP,
        actor=actor,
        org=concern.org,
        data={
            "step": step,
            "legal_step": legal.pk,
            "due": due.isoformat() if due else None,
            **clean,
        },
    )
    return legal


@transaction.atomic
def complete_legal_step(legal: LegalStep, *, actor: User, outcome: str) -> LegalStep:
    """Record how a legal step ended (the visit made, the court's decision, ...)."""
    concern = legal.concern
    _require(perm.may_act_on_legal_steps(actor, concern), "complete a legal step on")
    outcome = _reason(outcome, "outcome")
    done = LegalStep.objects.filter(pk=legal.pk, completed_at__isnull=True).update(
        completed_at=clock.now(), outcome=outcome
    )
    if done != 1:
        raise IllegalTransition("complete", "an already completed legal step")
    legal.refresh_from_db()
    _event(
        concern,
        EventKind.LEGAL_STEP_DONE,
        actor=actor,
        org=concern.org,
        note=outcome,
        data={"step": legal.step, "legal_step": legal.pk},
    )
    return legal


@transaction.atomic
def protect_concern(concern: Concern, *, actor: User, reason: str) -> Concern:
    """Mark a concern protected: only its handlers, the chair and protection officers see it."""
    if concern.protected:
        raise InvalidInput("the concern is already protected")
    _require(perm.may_reclassify(actor, concern), "protect")
    return _step(
        concern,
        EventKind.PROTECTED,
        actor=actor,
        org=concern.org,
        note=_reason(reason),
        protected=True,
        search_text="",
    )


# ---------------------------------------------------------------- retention (PIPL: shortest time)


@transaction.atomic
def anonymise_concern(concern: Concern) -> bool:
    """Strip what identifies anyone from a closed concern, keeping what statistics need
    (category, org, dates, deadlines, ratings). False when already done or not closed."""
    done = Concern.objects.filter(
        pk=concern.pk, status=Status.CLOSED, anonymised_at__isnull=True
    ).update(
        text="[已匿名化]",
        search_text="",
        address="",
        reporter_name="",
        reporter_phone="",
        reporter_phone_index="",
        reporter_id_number="",
        rating_comment="",
        reply="",
        triage={},
        latitude=None,
        longitude=None,
        member=None,
        anonymised_at=clock.now(),
    )
    if done != 1:
        return False
    ConcernEvent.objects.filter(concern=concern).update(note="")
    LegalStep.objects.filter(concern=concern).update(details={}, outcome="")
    _event(concern, EventKind.ANONYMISED, actor=None, org=concern.org)
    return True


# ---------------------------------------------------------------- break-glass and reveal

BREAK_GLASS_MINUTES = 60
REVEALABLE = ("reporter_name", "reporter_phone", "address", "reporter_id_number")


@transaction.atomic
def break_glass(concern: Concern, *, actor: AuthUser, reason: str) -> BreakGlassGrant:
    """Open a protected concern in full for an hour, with a reason; audited, the chair alerted."""
    from sanshi.audit.actions import audit_break_glass
    from sanshi.concerns.access import has_break_glass, sees_in_full

    if not concern.protected or (
        sees_in_full(actor, concern) and not has_break_glass(actor, concern)
    ):
        raise InvalidInput("you can already see this concern in full")
    _require(perm.may_break_glass(actor, concern), "break the glass on")
    reason = _reason(reason)
    now = clock.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        concern=concern,
        reason=reason,
        granted_at=now,
        expires_at=now + dt.timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    audit_break_glass(actor, concern.pk, reason=reason, until=grant.expires_at)
    _event(
        concern,
        EventKind.BREAK_GLASS,
        actor=actor,
        org=concern.org,
        note=reason,
        data={"until": timezone.localtime(grant.expires_at).isoformat()},
    )
    return grant


@transaction.atomic
def reveal_contact(concern: Concern, *, actor: User, field: str) -> str:
    """Show one personal field unmasked to someone who may, and write that to the audit."""
    from sanshi.audit.actions import audit_reveal
    from sanshi.concerns.access import FULL, visibility

    if field not in REVEALABLE:
        raise InvalidInput(f"cannot reveal {field!r}", fields={"field": field})
    allowed = visibility(actor, concern) == FULL and (
        perm.may_handle(actor, concern)
        or perm.may_supervise(actor, concern)
        or perm.may_act_on_legal_steps(actor, concern)
    )
    if not (allowed and isinstance(actor, AuthUser)):
        raise NotAllowed("you may not reveal the contact details of this concern")
    audit_reveal(actor, "concern", concern.pk, field=field)
    return str(getattr(concern, field))
