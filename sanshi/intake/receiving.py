"""Which org receives a new concern: the lowest one covering its place that has a dispatcher."""

from __future__ import annotations

from django.conf import settings

from sanshi.core import clock
from sanshi.core.errors import InvalidInput
from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.models import Membership, Org, Role
from sanshi.orgs.selectors import ancestor_ids, org_by_id
from sanshi.triage.routing import RouteResult

# The receiving org depends on the tree and on who dispatches where.
_receiving = ReferenceCache("receiving-orgs", Org, Membership)


def receiving_org(route: RouteResult | None) -> Org:
    """The lowest org covering the route that has a dispatcher, walking up; else the root org
    (looked up at most every REFERENCE_DATA_SECONDS per covering org)."""
    key = route.org_id if route is not None else None
    org_id = _receiving.get(key, lambda: _receiving_org_in_db(route).pk)
    org = org_by_id(org_id)
    return org if org is not None else _receiving_org_in_db(route)


def _receiving_org_in_db(route: RouteResult | None) -> Org:
    if route is None or route.org_id is None:
        return _root_org()
    chain = ancestor_ids(Org.objects.get(pk=route.org_id))
    staffed = _orgs_with_dispatcher(chain)
    for org_id in reversed(chain):
        if org_id in staffed:
            return Org.objects.get(pk=org_id)
    return Org.objects.get(pk=chain[0])


def _orgs_with_dispatcher(ids: list[int]) -> set[int]:
    day = clock.now().date()
    rows = Membership.objects.filter(org_id__in=ids, role=Role.DISPATCHER, term_start__lte=day)
    return set(rows.exclude(term_end__lt=day).values_list("org_id", flat=True))


def _root_org() -> Org:
    configured = getattr(settings, "TRIAGE_DEFAULT_ORG_ID", None)
    org = Org.objects.filter(pk=configured).first() if configured else None
    org = org or Org.objects.filter(parent__isnull=True).order_by("pk").first()
    if org is None:
        raise InvalidInput("no federation org exists yet to receive concerns")
    return org
