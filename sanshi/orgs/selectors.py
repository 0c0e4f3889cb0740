"""Reads over the tree and people's roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, Q, QuerySet

from sanshi.core import clock
from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.models import Division, Membership, Org, Person


def subtree(org: Org) -> QuerySet[Org]:
    """The org and everything below it."""
    return Org.objects.filter(path__startswith=org.path)


def ancestor_ids(org: Org) -> list[int]:
    """Ids from the root down to the org itself."""
    return [int(part) for part in org.path.strip("/").split("/") if part]


def active_memberships(person: Person, on: dt.date | None = None) -> QuerySet[Membership]:
    """The roles a person holds on a date (today by default)."""
    day = on or clock.now().date()
    return (
        Membership.objects.filter(person=person, term_start__lte=day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("org")
    )


def person_for_user(user: User | AnonymousUser | None) -> Person | None:
    """The person behind a login, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Person.objects.filter(user_id=user.pk).first()


def roles_of_user(user: User | AnonymousUser | None) -> list[Membership]:
    """The user's active memberships, with their orgs loaded (one query)."""
    if user is None or not user.is_authenticated:
        return []
    day = clock.now().date()
    return list(
        Membership.objects.filter(person__user_id=user.pk, term_start__lte=day)
        .filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
        .select_related("org")
    )


def people_with_role(org: Org, roles: Iterable[str]) -> QuerySet[Person]:
    """People holding any of the roles in exactly this org today."""
    day = clock.now().date()
    return Person.objects.filter(
        Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=day),
        memberships__org=org,
        memberships__role__in=list(roles),
        memberships__term_start__lte=day,
    ).distinct()


def lowest_org_for_division(code: str) -> Org | None:
    """The deepest org whose division code is this code or a prefix of it."""
    candidates = division_ancestry(code)
    return (
        Org.objects.filter(division_code__in=candidates)
        .exclude(level=Org.Level.DOMAIN)
        .order_by("-depth")
        .first()
    )


def division_ancestry(code: str) -> list[str]:
    """The code and the official codes above it: village, township, county, city, province."""
    found = [code[:n] for n in (12, 9, 6) if len(code) >= n]
    if len(code) >= 6:
        found += [code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(found))


# Rows of orgs and divisions as read within REFERENCE_DATA_SECONDS (sanshi.core.refcache), for
# intake's hot path: each call gets a fresh instance of its own.
M = TypeVar("M", bound=Model)
_org_rows = ReferenceCache("org-rows", Org)
_division_rows = ReferenceCache("division-rows", Division)


def org_by_id(pk: int) -> Org | None:
    """The org with this id, or None (as read at most REFERENCE_DATA_SECONDS ago)."""
    row = _org_rows.get(pk, lambda: _row_of(Org.objects.filter(pk=pk).first()))
    return _instance(Org, row)


def division_by_code(code: str) -> Division | None:
    """The division with this code, or None (as read at most REFERENCE_DATA_SECONDS ago)."""
    row = _division_rows.get(code, lambda: _row_of(Division.objects.filter(code=code).first()))
    return _instance(Division, row)


def _row_of(instance: Model | None) -> tuple[object, ...] | None:
    if instance is None:
        return None
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def _instance(model: type[M], row: tuple[object, ...] | None) -> M | None:
    if row is None:
        return None
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, names, row)
