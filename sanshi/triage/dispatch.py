"""Auto-dispatch: when triage is sure enough of the category and the place to send it alone."""

from __future__ import annotations

from dataclasses import dataclass

from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.models import Org
from sanshi.orgs.selectors import org_by_id
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
    it on `receiving`'s dispatch board."""
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
