"""Every write to the federation tree, people and roles."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from sanshi.audit.actions import record_audit
from sanshi.core.errors import InvalidInput
from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.divisions import check_division_code
from sanshi.orgs.models import Membership, Org, Person, Role

Actor = User | AnonymousUser | None

DOMAIN_KINDS = {
    Org.Kind.ENTERPRISE,
    Org.Kind.SOCIAL_ORG,
    Org.Kind.PARK,
    Org.Kind.SCHOOL,
    Org.Kind.HOSPITAL,
    Org.Kind.OTHER,
}
LEVEL_KINDS: dict[str, set[str]] = {
    Org.Level.PROVINCE: {Org.Kind.FEDERATION},
    Org.Level.CITY: {Org.Kind.FEDERATION},
    Org.Level.COUNTY: {Org.Kind.FEDERATION},
    Org.Level.TOWNSHIP: {Org.Kind.FEDERATION},
    Org.Level.COMMUNITY: {Org.Kind.RESIDENTS, Org.Kind.VILLAGE},
    Org.Level.DOMAIN: {str(kind) for kind in DOMAIN_KINDS},
}


def _check_level_and_kind(level: str, kind: str, parent: Org | None) -> None:
    if level not in LEVEL_KINDS:
        raise InvalidInput(f"unknown org level {level!r}", fields={"level": level})
    if kind not in LEVEL_KINDS[level]:
        raise InvalidInput(
            f"an org at level {level} cannot be of kind {kind}", fields={"kind": kind}
        )
    if parent is None and level == Org.Level.DOMAIN:
        raise InvalidInput("a new-domain federation must be attached under an org")


def _check_unique_name(name: str, parent: Org | None, exclude: int | None = None) -> None:
    siblings = Org.objects.filter(parent=parent, name=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    if siblings.exists():
        where = parent.name if parent else "the top level"
        raise InvalidInput(f"an org named {name!r} already exists under {where}")


@transaction.atomic
def create_org(
    *,
    name: str,
    level: str,
    parent: Org | None,
    kind: str = Org.Kind.FEDERATION,
    division_code: str = "",
    actor: Actor = None,
) -> Org:
    """Create an org under a parent; the tree, names and division code are checked first."""
    name = name.strip()
    if not name:
        raise InvalidInput("an org needs a name", fields={"name": "required"})
    _check_level_and_kind(level, kind, parent)
    code = check_division_code(division_code) if division_code else ""
    _check_unique_name(name, parent)
    try:
        with transaction.atomic():
            org = Org.objects.create(
                name=name, level=level, kind=kind, parent=parent, division_code=code, path="/"
            )
    except IntegrityError:
        raise InvalidInput(f"an org named {name!r} already exists there") from None
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    record_audit(
        actor, "org.created", "org", org.pk, {"name": name, "parent": parent and parent.pk}
    )
    return org


@transaction.atomic
def move_org(org: Org, *, new_parent: Org, actor: Actor = None) -> Org:
    """Attach an org (and its subtree) under another parent; a cycle is refused."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise InvalidInput(
            f"cannot move {org.name} under {new_parent.name}: that would make a cycle",
            fields={"parent": str(new_parent.pk)},
        )
    _check_unique_name(org.name, new_parent, exclude=org.pk)
    old_path, new_path = org.path, f"{new_parent.path}{org.pk}/"
    depth_change = new_parent.depth + 1 - org.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    # The updates above send no signals: every cache of orgs (and of roles, whose grants
    # carry org paths) forgets them here.
    ReferenceCache.forget_all_on_commit()
    record_audit(actor, "org.moved", "org", org.pk, {"from": old_path, "to": new_path})
    org.refresh_from_db()
    return org


@transaction.atomic
def create_person(
    *,
    name: str,
    phone: str = "",
    gender: str = Person.Gender.UNKNOWN,
    notes: str = "",
    user: User | None = None,
    actor: Actor = None,
) -> Person:
    """Create a person, optionally linked to a login."""
    name = name.strip()
    if not name:
        raise InvalidInput("a person needs a name", fields={"name": "required"})
    if gender not in Person.Gender.values:
        raise InvalidInput(f"unknown gender {gender!r}", fields={"gender": gender})
    person = Person.objects.create(
        name=name, phone=phone.strip(), gender=gender, notes=notes, user=user
    )
    record_audit(actor, "person.created", "person", person.pk)
    return person


@transaction.atomic
def add_membership(
    person: Person,
    org: Org,
    *,
    role: str,
    term_start: dt.date,
    term_end: dt.date | None = None,
    helps_with: str = "",
    actor: Actor = None,
) -> Membership:
    """Give a person a role in an org for a term."""
    if role not in Role.values:
        raise InvalidInput(f"unknown role {role!r}", fields={"role": role})
    if term_end is not None and term_end < term_start:
        raise InvalidInput(
            f"the term ends ({term_end}) before it starts ({term_start})",
            fields={"term_end": str(term_end)},
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person,
                org=org,
                role=role,
                term_start=term_start,
                term_end=term_end,
                helps_with=helps_with,
            )
    except IntegrityError:
        raise InvalidInput(
            f"{person.name} already has that role in {org.name} from {term_start}"
        ) from None
    record_audit(actor, "membership.added", "person", person.pk, {"org": org.pk, "role": role})
    return membership


@transaction.atomic
def end_membership(membership: Membership, *, on: dt.date, actor: Actor = None) -> Membership:
    """End a role on a date."""
    if on < membership.term_start:
        raise InvalidInput(f"the term cannot end ({on}) before it starts ({membership.term_start})")
    membership.term_end = on
    membership.save(update_fields=["term_end"])
    record_audit(actor, "membership.ended", "person", membership.person_id, {"id": membership.pk})
    return membership
