"""Auto-dispatch: when triage is sure enough of the category and the place to send it alone."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from sanshi.core import clock
from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.models import Membership, Org, Role
from sanshi.orgs.selectors import ancestor_ids, org_by_id
from sanshi.triage.engine import TriageResult
from sanshi.triage.models import DispatchThreshold

# Without any DispatchThreshold row: dispatch alone from this confidence up.
DEFAULT_MIN_CONFIDENCE = 0.8
# The route must reach at least this level to be a door to send a concern to.
ROUTABLE_LEVELS = ("township", "community")


@dataclass(frozen=True)
class Policy:
    enabled: bool
    min_confidence: float


_thresholds = ReferenceCache("dispatch-thresholds", DispatchThreshold)


def policy_for(category: str) -> Policy:
    """The category's own threshold, else the default row (blank category), else the built-in
    (read at most every REFERENCE_DATA_SECONDS)."""
    return _thresholds.get(category, lambda: _policy_in_db(category))


def _policy_in_db(category: str) -> Policy:
    rows = {t.category: t for t in DispatchThreshold.objects.filter(category__in=[category, ""])}
    row = rows.get(category) or rows.get("")
    if row is None:
        return Policy(True, DEFAULT_MIN_CONFIDENCE)
    return Policy(row.enabled, row.min_confidence)


def auto_dispatch_target(category: str, receiving: Org, result: TriageResult) -> Org | None:
    """The org to dispatch a new concern of `category` to without a person, or None to leave
    it on `receiving`'s dispatch board. Danger goes to the territory's protection officer."""
    if result.critical:
        return danger_target(receiving, result)
    route = result.route
    if not category:
        return None
    if route is None or route.ambiguous or route.org_id is None:
        return None
    if route.level not in ROUTABLE_LEVELS or route.org_id == receiving.pk:
        return None
    if category != result.category:
        return None  # the caller chose another category: triage's confidence says nothing
    policy = policy_for(category)
    if not policy.enabled or result.confidence < policy.min_confidence:
        return None
    target = org_by_id(route.org_id)
    if target is None or not target.path.startswith(receiving.path):
        return None  # only downwards, inside the receiving org's own tree
    return target


# ---------------------------------------------------------------- danger: the protection officer

# Who is protection officer where changes with memberships (and the tree).
_protection = ReferenceCache("protection-orgs", Org, Membership)


def danger_target(receiving: Org, result: TriageResult) -> Org | None:
    """The org whose protection officer takes a critical concern: the lowest org with one,
    from the place the route found (or the receiving org) up to the receiving org; the
    receiving org itself when it has one (the concern is dispatched there, in place). None
    when no org in that chain has one: the concern waits on the dispatch board and the duty
    officers above are told (notifications.actions)."""
    route = result.route
    covering = receiving
    if route is not None and not route.ambiguous and route.org_id is not None:
        found = org_by_id(route.org_id)
        if found is not None and found.path.startswith(receiving.path):
            covering = found
    org_id = _protection.get((covering.pk, receiving.pk), lambda: _officer_org(covering, receiving))
    return org_by_id(org_id) if org_id is not None else None


def _officer_org(covering: Org, receiving: Org) -> int | None:
    # From the receiving org down to the covering one (which lies in its subtree).
    chain = ancestor_ids(covering)[len(ancestor_ids(receiving)) - 1 :]
    day = clock.now().date()
    staffed = set(
        Membership.objects.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=day),
            org_id__in=chain,
            role=Role.PROTECTION_OFFICER,
            term_start__lte=day,
        ).values_list("org_id", flat=True)
    )
    for org_id in reversed(chain):  # the lowest first
        if org_id in staffed:
            return org_id
    return None
