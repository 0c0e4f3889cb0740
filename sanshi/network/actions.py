"""Every write to households and visits: one function each, one transaction each, audited.

Each action checks its input and the actor's right first (bad input writes nothing), then
writes and appends its audit row last, inside the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User as AuthUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sanshi.audit.actions import record_audit
from sanshi.concerns.models import Channel, Concern
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed
from sanshi.core.types import User
from sanshi.network.access import KEEPER_ROLES, households_visible_to
from sanshi.network.conf import interval_for
from sanshi.network.models import CareFlag, Household, Visit
from sanshi.orgs.models import Org, Person
from sanshi.orgs.selectors import active_memberships, person_for_user

MAX_ADDRESS = 200
MAX_TEXT = 2000
MAX_PEOPLE = 12
VISIT_CONSENT_VERSION = "visit-2026-1"
# Visits are logged the same day or soon after; a year back is the most a record accepts.
OLDEST_VISIT_DAYS = 366


@dataclass(frozen=True)
class PersonEntry:
    """Someone in a household, recorded with their consent."""

    name: str
    relation: str = ""
    phone: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "relation": self.relation, "phone": self.phone}


# ---------------------------------------------------------------- checks


def _keeper_org(actor: User, org: Org | None) -> tuple[Person, Org]:
    """The actor's person and the org where she keeps households (a 执委, chair or vice-chair)."""
    person = person_for_user(actor)
    if person is None:
        raise NotAllowed("only a committee member keeps households")
    orgs = {m.org.pk: m.org for m in active_memberships(person) if m.role in KEEPER_ROLES}
    if not orgs:
        raise NotAllowed("only a committee member keeps households")
    if org is None:
        if len(orgs) > 1:
            raise InvalidInput("choose the federation", fields={"org": "required"})
        return person, next(iter(orgs.values()))
    if org.pk not in orgs:
        raise NotAllowed("you keep no households in that federation")
    return person, org


def _address(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("an address is required", fields={"address": "required"})
    if len(text) > MAX_ADDRESS:
        raise InvalidInput(f"at most {MAX_ADDRESS} characters", fields={"address": "too long"})
    return text


def _flags(flags: list[str]) -> list[str]:
    unknown = [f for f in flags if f not in CareFlag.values]
    if unknown:
        raise InvalidInput(f"unknown care flag {unknown[0]!r}", fields={"flags": unknown[0]})
    return sorted(set(flags))


def _people(people: list[PersonEntry], consent: bool) -> list[dict[str, str]]:
    if len(people) > MAX_PEOPLE:
        raise InvalidInput(f"at most {MAX_PEOPLE} people", fields={"people": "too many"})
    rows = []
    for entry in people:
        name, relation = entry.name.strip(), entry.relation.strip()
        phone = "".join(ch for ch in entry.phone if ch.isdigit() or ch in "+-")
        if not name or len(name) > 32 or len(relation) > 16 or len(phone) > 20:
            raise InvalidInput(
                "each person needs a name (up to 32 characters)", fields={"people": "invalid"}
            )
        rows.append(PersonEntry(name, relation, phone).as_dict())
    if rows and not consent:
        raise InvalidInput(
            "record people only with their consent: tick that they agreed",
            fields={"consent": "required"},
        )
    return rows


def _text(text: str, what: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"{what} is required", fields={what: "required"})
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"at most {MAX_TEXT} characters", fields={what: "too long"})
    return text


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def _visit_day(day: dt.date | None) -> dt.date:
    today = _today()
    day = day or today
    if day > today:
        raise InvalidInput("a visit cannot be in the future", fields={"visited_on": "future"})
    if (today - day).days > OLDEST_VISIT_DAYS:
        raise InvalidInput("a visit older than a year", fields={"visited_on": "too old"})
    return day


def next_due(flags: list[str], since: dt.date) -> dt.date:
    """When the next visit is due: the last visit (or the day it was listed) plus the rule."""
    return since + dt.timedelta(days=interval_for(flags))


def _check_may_write(actor: User, household: Household) -> None:
    if not households_visible_to(actor).filter(pk=household.pk).exists():
        raise NotAllowed("you may not change this household")


# ---------------------------------------------------------------- households


def add_household(
    *,
    actor: User,
    address: str,
    people: list[PersonEntry] | None = None,
    consent: bool = False,
    flags: list[str] | None = None,
    org: Org | None = None,
) -> Household:
    """A committee member lists a household she keeps in touch with."""
    keeper, org = _keeper_org(actor, org)
    address = _address(address)
    flag_list = _flags(flags or [])
    rows = _people(people or [], consent)
    now = clock.now()
    household = Household(
        org=org,
        keeper=keeper,
        address=address,
        people=rows,
        consent_on=timezone.localdate(now) if rows else None,
        flags=flag_list,
        next_visit_due=next_due(flag_list, timezone.localdate(now)),
        created_at=now,
        updated_at=now,
    )
    with transaction.atomic():
        household.save(force_insert=True)
        _audit(actor, "network.household_added", household, {"flags": len(flag_list)})
    return household


def update_household(
    household: Household,
    *,
    actor: User,
    address: str,
    people: list[PersonEntry],
    consent: bool,
    flags: list[str],
) -> Household:
    """Correct a household's address, people or care flags (the visiting rule follows)."""
    _check_may_write(actor, household)
    address = _address(address)
    flag_list = _flags(flags)
    rows = _people(people, consent)
    now = clock.now()
    since = household.last_visited_on or timezone.localdate(household.created_at)
    fields: dict[str, Any] = {
        "address": address,
        "people": rows,
        "flags": flag_list,
        "next_visit_due": next_due(flag_list, since),
        "updated_at": now,
    }
    if rows and rows != household.people:
        fields["consent_on"] = timezone.localdate(now)
    with transaction.atomic():
        Household.objects.filter(pk=household.pk).update(**fields)
        for name, value in fields.items():
            setattr(household, name, value)
        _audit(actor, "network.household_changed", household, {"fields": sorted(fields)})
    return household


def close_household(household: Household, *, actor: User, reason: str) -> Household:
    """Stop keeping a household (moved away, no longer wants visits): it leaves the lists."""
    _check_may_write(actor, household)
    reason = _text(reason, "reason", required=True)
    with transaction.atomic():
        changed = Household.objects.filter(pk=household.pk, active=True).update(
            active=False, next_visit_due=None, updated_at=clock.now()
        )
        if changed != 1:
            raise Conflict("the household was closed meanwhile")
        household.active = False
        household.next_visit_due = None
        _audit(actor, "network.household_closed", household, {"reason": reason})
    return household


# ---------------------------------------------------------------- visits


def log_visit(
    household: Household,
    *,
    actor: User,
    found: str,
    follow_up: str = "",
    visited_on: dt.date | None = None,
) -> Visit:
    """Record a visit; the household's next visit falls due by its rule from this day."""
    _check_may_write(actor, household)
    visitor = person_for_user(actor)
    if visitor is None:
        raise NotAllowed("only a person with a role logs visits")
    day = _visit_day(visited_on)
    visit = Visit(
        household=household,
        visitor=visitor,
        visited_on=day,
        found=_text(found, "found", required=True),
        follow_up=_text(follow_up, "follow_up", required=False),
        created_by=actor if isinstance(actor, AuthUser) else None,
        created_at=clock.now(),
    )
    with transaction.atomic():
        visit.save(force_insert=True)
        _move_due_date(household, day)
        _audit(actor, "network.visit_logged", household, {"visit": visit.pk})
    return visit


def request_visit(household: Household, *, by: dt.date, why: str, actor: User | None) -> bool:
    """Ask the household's committee member to visit by a day (another service saw a sign:
    a child missing the 儿童之家): its next visit falls due then, never later than it was.

    `why` is a short code for the audit row, never a reason in words (the household's
    troubles stay sealed). True when the due date moved."""
    if not household.active:
        return False
    with transaction.atomic():
        moved = (
            Household.objects.filter(pk=household.pk, active=True)
            .filter(Q(next_visit_due__isnull=True) | Q(next_visit_due__gt=by))
            .update(next_visit_due=by, updated_at=clock.now())
        )
        if moved:
            household.next_visit_due = by
            record_audit(
                actor,
                "network.visit_requested",
                "household",
                household.pk,
                {"by": by.isoformat(), "why": why},
            )
    return moved == 1


def _move_due_date(household: Household, day: dt.date) -> None:
    """The latest visit sets the due date; an older one logged late changes nothing."""
    if household.last_visited_on is not None and household.last_visited_on >= day:
        return
    due = next_due(household.flags, day)
    Household.objects.filter(pk=household.pk).update(
        last_visited_on=day, next_visit_due=due, updated_at=clock.now()
    )
    household.last_visited_on, household.next_visit_due = day, due


def raise_concern_from_visit(visit: Visit, *, actor: User, text: str, consent: bool) -> Concern:
    """Turn what a visit found into a concern, with the household's address and people.

    The household's consent is the legal basis; without it only danger to life (`critical`,
    as triage reads the text) lets it through (PIPL art 13). A visit raises one concern.
    """
    household = visit.household
    _check_may_write(actor, household)
    if visit.concern_id is not None:
        raise Conflict("this visit has already become a concern")
    text = _text(text, "text", required=True)
    # Without the household's consent only danger to life is a basis: intake's own rule
    # (legal_basis_for), on the one triage intake runs.
    with transaction.atomic():
        concern = _take_in(visit, actor=actor, text=text, consent=consent)
        linked = Visit.objects.filter(pk=visit.pk, concern__isnull=True).update(concern=concern)
        if linked != 1:
            raise Conflict("this visit has already become a concern")
        visit.concern = concern
        _audit(actor, "network.visit_raised", household, {"visit": visit.pk, "concern": concern.pk})
    return concern


def _take_in(visit: Visit, *, actor: User, text: str, consent: bool) -> Concern:
    """The one call into concern intake (switch it here when intake's entry point changes)."""
    from sanshi.intake.take_in import ConcernIntake, take_in_concern

    household = visit.household
    first = household.people[0] if household.people else {}
    intake = ConcernIntake(
        text=text,
        channel=Channel.VISIT,
        address=household.address,
        reporter_name=first.get("name", ""),
        reporter_phone=first.get("phone", ""),
        anonymous=not first,
        member=household.keeper,
        protected=CareFlag.DV_HISTORY in household.flags,
        legal_basis=None,
        consent=consent,
        consent_version=VISIT_CONSENT_VERSION if consent else "",
        community=household.org if household.org.level == Org.Level.COMMUNITY else None,
    )
    return take_in_concern(intake, actor=actor).concern


def _audit(actor: User, action: str, household: Household, data: dict[str, Any]) -> None:
    record_audit(actor, action, "household", household.pk, data)
