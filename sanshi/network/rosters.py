"""Committee terms (届) and rosters: every write, and the public directory's read.

Seating someone gives her the role (an orgs Membership) for as long as she sits; leaving ends
it. What the directory shows of her is what she agreed to show, nothing by default.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sanshi.audit.actions import record_audit
from sanshi.concerns import permissions as perm
from sanshi.core import clock
from sanshi.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from sanshi.core.types import User
from sanshi.network.models import Office, Seat, Term
from sanshi.orgs.actions import add_membership, end_membership
from sanshi.orgs.models import Membership, Org, Person, Role

ROLE_OF_OFFICE = {
    Office.CHAIR: Role.CHAIR,
    Office.VICE_CHAIR: Role.VICE_CHAIR,
    Office.PART_TIME_VICE_CHAIR: Role.VICE_CHAIR,
    Office.COMMITTEE_MEMBER: Role.COMMITTEE_MEMBER,
}
OFFICE_ORDER = list(ROLE_OF_OFFICE)
DIRECTORY_FIELDS = ("show_name", "show_sector", "show_helps_with", "show_card")
ROSTER_KEEPERS = frozenset({Role.CHAIR, Role.VICE_CHAIR}) | perm.SUPERVISOR_ROLES


def may_keep_roster(user: User, org: Org) -> bool:
    """The federation's chair and vice-chairs, and staff and dispatchers at or above it."""
    grants = perm.grants(user)
    return perm.holds_at(grants, org, frozenset({Role.CHAIR, Role.VICE_CHAIR})) or (
        perm.holds_at_or_above(grants, org, perm.SUPERVISOR_ROLES)
    )


def _today() -> dt.date:
    return timezone.localdate(clock.now())


def open_term(org: Org, *, actor: User, number: int, starts_on: dt.date, ends_on: dt.date) -> Term:
    """Record a new term (after an election)."""
    if not may_keep_roster(actor, org):
        raise NotAllowed("you may not keep this federation's roster")
    if number < 1:
        raise InvalidInput("a term number from 1", fields={"number": "invalid"})
    if ends_on <= starts_on:
        raise InvalidInput("a term ends after it starts", fields={"ends_on": "before start"})
    term = Term(
        org=org, number=number, starts_on=starts_on, ends_on=ends_on, created_at=clock.now()
    )
    try:
        with transaction.atomic():
            term.save(force_insert=True)
            record_audit(
                actor, "roster.term_opened", "term", term.pk, {"org": org.pk, "number": number}
            )
    except IntegrityError:
        raise InvalidInput("that term is recorded already", fields={"number": "taken"}) from None
    return term


def seat_member(
    term: Term,
    person: Person,
    *,
    actor: User,
    office: str,
    joined_on: dt.date,
    sector: str = "",
    helps_with: str = "",
) -> Seat:
    """Someone joins the committee in an office; she holds its role until she leaves."""
    if not may_keep_roster(actor, term.org):
        raise NotAllowed("you may not keep this federation's roster")
    if office not in ROLE_OF_OFFICE:
        raise InvalidInput(f"unknown office {office!r}", fields={"office": office})
    if not term.starts_on <= joined_on <= term.ends_on:
        raise InvalidInput("the day she joins falls in the term", fields={"joined_on": "outside"})
    if len(sector) > 32 or len(helps_with) > 200:
        raise InvalidInput(
            "too long", fields={"sector" if len(sector) > 32 else "helps_with": "too long"}
        )
    with transaction.atomic():
        membership = add_membership(
            person,
            term.org,
            role=ROLE_OF_OFFICE[Office(office)],
            term_start=joined_on,
            term_end=term.ends_on,
            helps_with=helps_with.strip(),
            actor=actor,
        )
        seat = Seat.objects.create(
            term=term,
            membership=membership,
            office=office,
            sector=sector.strip(),
            joined_on=joined_on,
        )
        record_audit(
            actor, "roster.seated", "seat", seat.pk, {"office": office, "person": person.pk}
        )
    return seat


def record_seat(
    term: Term, membership: Membership, *, actor: User, office: str, sector: str = ""
) -> Seat:
    """Put on the roster someone who already holds her role (given before rosters were kept)."""
    if not may_keep_roster(actor, term.org):
        raise NotAllowed("you may not keep this federation's roster")
    if membership.org_id != term.org_id or ROLE_OF_OFFICE.get(Office(office)) != membership.role:
        raise InvalidInput("the office does not match her role here", fields={"office": office})
    joined = max(membership.term_start, term.starts_on)
    with transaction.atomic():
        seat = Seat.objects.create(
            term=term, membership=membership, office=office, sector=sector.strip(), joined_on=joined
        )
        record_audit(actor, "roster.seated", "seat", seat.pk, {"office": office})
    return seat


def leave_seat(seat: Seat, *, actor: User, left_on: dt.date, reason: str) -> Seat:
    """She leaves the committee: her role ends that day; the seat stays in the history."""
    if not may_keep_roster(actor, seat.term.org):
        raise NotAllowed("you may not keep this federation's roster")
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput("say why she leaves", fields={"reason": "required"})
    if left_on < seat.joined_on:
        raise InvalidInput("she leaves after she joined", fields={"left_on": "before joining"})
    with transaction.atomic():
        changed = Seat.objects.filter(pk=seat.pk, left_on__isnull=True).update(
            left_on=left_on, left_reason=reason
        )
        if changed != 1:
            raise Conflict("she has left already")
        end_membership(seat.membership, on=left_on, actor=actor)
        seat.left_on, seat.left_reason = left_on, reason
        record_audit(actor, "roster.left", "seat", seat.pk, {"reason": reason})
    return seat


def set_directory_consent(seat: Seat, *, actor: User, show: set[str]) -> Seat:
    """What the public directory shows of her; she decides (the chair may record it for her)."""
    own = seat.membership.person.user_id == actor.pk and actor.pk is not None
    if not own and not may_keep_roster(actor, seat.term.org):
        raise NotAllowed("only she, or her chair, sets what the directory shows")
    unknown = show - set(DIRECTORY_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field {sorted(unknown)[0]!r}", fields={"show": "unknown"})
    values = {name: name in show for name in DIRECTORY_FIELDS}
    with transaction.atomic():
        Seat.objects.filter(pk=seat.pk).update(**values)
        for name, value in values.items():
            setattr(seat, name, value)
        record_audit(actor, "roster.directory_consent", "seat", seat.pk, {"show": sorted(show)})
    return seat


# ---------------------------------------------------------------- reads


def current_seats(org: Org, on: dt.date | None = None) -> QuerySet[Seat]:
    """Who sits on the committee on a day (today by default)."""
    day = on or _today()
    return (
        Seat.objects.filter(
            term__org=org, term__starts_on__lte=day, term__ends_on__gte=day, joined_on__lte=day
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .select_related("membership__person", "term")
    )


def rank(seat: Seat) -> tuple[int, str]:
    return OFFICE_ORDER.index(Office(seat.office)), seat.membership.person.name


def directory(org: Org) -> list[dict[str, object]]:
    """The public directory: only members who agreed to show their name, only what they chose."""
    from sanshi.intake.models import MemberCard

    seats = sorted(current_seats(org).filter(show_name=True), key=rank)
    cards = dict(
        MemberCard.objects.filter(
            membership__in=[s.membership_id for s in seats], active=True
        ).values_list("membership_id", "code")
    )
    return [
        {
            "name": s.membership.person.name,
            "office": s.get_office_display(),
            "sector": s.sector if s.show_sector else "",
            "helps_with": s.membership.helps_with if s.show_helps_with else "",
            "card": cards.get(s.membership_id, "") if s.show_card else "",
        }
        for s in seats
    ]


def roster_org(user: User, org_id: int | None) -> Org:
    """The federation whose roster the user keeps (the first, or the one asked for)."""
    orgs = [m for m in perm.grants(user) if m.role in ROSTER_KEEPERS]
    paths = [g.org_path for g in orgs]
    found = Org.objects.filter(path__in=paths)
    if org_id is not None:
        found = Org.objects.filter(pk=org_id)
    for org in found.order_by("-depth"):
        if may_keep_roster(user, org):
            return org
    raise NotFound("no roster you keep")


def own_seat(user: User) -> Seat | None:
    if user.pk is None:
        return None
    return (
        Seat.objects.filter(membership__person__user_id=user.pk, left_on__isnull=True)
        .select_related("term__org", "membership__person")
        .order_by("-joined_on")
        .first()
    )
