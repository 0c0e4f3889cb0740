"""Reads with rules: a member's list, what is overdue for her and for her chair."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from sanshi.concerns import permissions as perm
from sanshi.core import clock
from sanshi.network.access import (
    SUPERVISOR_ROLES,
    User,
    audit_household_read,
    households_visible_to,
    own_households,
)
from sanshi.network.models import CareFlag, Household, Visit

FLAG_LABELS = dict(CareFlag.choices)


def today() -> dt.date:
    """Today in the deployment's time zone (a visit is due on a local day)."""
    return timezone.localdate(clock.now())


def my_households(user: User) -> list[Household]:
    """Her own households, the most overdue first, then the rest by due date (audited)."""
    rows = list(own_households(user).order_by("next_visit_due", "pk"))
    audit_household_read(user, [h.pk for h in rows], how="list")
    return rows


def overdue_households(user: User, *, own: bool) -> QuerySet[Household]:
    """Households whose next visit is past due: her own, or all of the orgs she chairs."""
    if own:
        base = own_households(user)
    else:
        chaired = [g.org_path for g in perm.grants(user) if g.role in SUPERVISOR_ROLES]
        base = households_visible_to(user).filter(org__path__in=chaired)
    return base.filter(next_visit_due__lt=today()).order_by("next_visit_due", "pk")


@dataclass(frozen=True)
class Overdue:
    """What the home pages show: her overdue households and (for a chair) her org's."""

    mine: list[Household]
    org: list[Household]

    @property
    def empty(self) -> bool:
        return not self.mine and not self.org


def overdue_for(user: User) -> Overdue:
    """Both lists for one user (audited as one look)."""
    mine = list(overdue_households(user, own=True))
    chairs = any(g.role in SUPERVISOR_ROLES for g in perm.grants(user))
    org = list(overdue_households(user, own=False)) if chairs else []
    audit_household_read(user, sorted({h.pk for h in mine + org}), how="overdue")
    return Overdue(mine=mine, org=org)


def visits_of(household: Household, limit: int = 50) -> list[Visit]:
    """The latest visits to a household (already accessed), newest first."""
    rows = Visit.objects.filter(household=household).select_related("visitor", "concern")
    return list(rows.order_by("-visited_on", "-pk")[:limit])


def flag_labels(flags: list[str]) -> list[str]:
    return [str(FLAG_LABELS.get(f, f)) for f in flags]


def days_overdue(household: Household) -> int:
    if household.next_visit_due is None:
        return 0
    return max((today() - household.next_visit_due).days, 0)
