"""Access helpers for duties: who sees a federation's reports, who evaluates, who runs trainings.

A federation's yearly reports are seen by its chair and vice-chairs and by the chairs and
staff of the federations above it; a committee member sees her own report. Evaluating and
setting the point rules is the chair's (or, above her, a chair's or staff member's).
Missing and forbidden both raise NotFound.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from sanshi.concerns import permissions as perm
from sanshi.core.errors import NotFound
from sanshi.duties.models import Training
from sanshi.orgs.models import Org, Person, Role
from sanshi.orgs.selectors import active_memberships, person_for_user

User = AuthUser | AnonymousUser

# Whose year is reported and evaluated: the committee's members below the chair.
EVALUATED_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.VICE_CHAIR})
READER_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})
ABOVE_ROLES = frozenset({Role.CHAIR, Role.STAFF})
# Who runs trainings and records attendance: a federation's chairs and staff.
TRAINER_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.STAFF})
# Who may attend: cadres and committee members.
ATTENDEE_ROLES = frozenset(
    {Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE_MEMBER, Role.STAFF, Role.DISPATCHER}
)


def may_read(user: User, org: Org) -> bool:
    grants = perm.grants(user)
    return perm.holds_at(grants, org, READER_ROLES) or perm.holds_above(grants, org, ABOVE_ROLES)


def may_evaluate(user: User, org: Org) -> bool:
    grants = perm.grants(user)
    return perm.holds_at(grants, org, frozenset({Role.CHAIR})) or perm.holds_above(
        grants, org, ABOVE_ROLES
    )


def may_train(user: User, org: Org) -> bool:
    return perm.holds_at_or_above(perm.grants(user), org, TRAINER_ROLES)


def federations_read_by(user: User) -> QuerySet[Org]:
    """Federations whose reports the user reads: where she chairs, and those below where she
    chairs or is staff."""
    condition = Q(pk__in=[])
    for g in perm.grants(user):
        if g.role in READER_ROLES:
            condition |= Q(path=g.org_path)
        if g.role in ABOVE_ROLES:
            condition |= Q(path__startswith=g.org_path) & ~Q(path=g.org_path)
    return Org.objects.filter(condition, kind__in=FEDERATION_KINDS)


# Committees sit in federations, not in agencies.
FEDERATION_KINDS = (
    Org.Kind.FEDERATION,
    Org.Kind.RESIDENTS,
    Org.Kind.VILLAGE,
    Org.Kind.ENTERPRISE,
    Org.Kind.PARK,
)


def access_federation(user: User, org_id: int) -> Org:
    """A federation whose reports the user reads."""
    org = Org.objects.filter(pk=org_id).first()
    if org is None or not may_read(user, org):
        raise NotFound("no such federation")
    return org


def access_member(user: User, org: Org, person_id: int) -> Person:
    """A committee member of the org whose report the user may read: herself, or any of
    them for the org's readers."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not _serves_in(person, org):
        raise NotFound("no such committee member")
    me = person_for_user(user)
    if (me is None or me.pk != person.pk) and not may_read(user, org):
        raise NotFound("no such committee member")
    return person


def _serves_in(person: Person, org: Org) -> bool:
    return any(m.org_id == org.pk and m.role in EVALUATED_ROLES for m in active_memberships(person))


def trainings_visible_to(user: User) -> QuerySet[Training]:
    """Trainings of the federations where the user runs trainings, and those below."""
    condition = Q(pk__in=[])
    for g in perm.grants(user):
        if g.role in TRAINER_ROLES:
            condition |= Q(org__path__startswith=g.org_path)
    return Training.objects.filter(condition).select_related("org")


def access_training(user: User, training_id: int) -> Training:
    training = trainings_visible_to(user).filter(pk=training_id).first()
    if training is None:
        raise NotFound("no such training")
    return training
