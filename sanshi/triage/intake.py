"""Taking a concern in through the engine: triage, pick the receiving org, receive, dispatch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from sanshi.concerns.actions import (
    User,
    check_receivable,
    notified_together,
    receive_concern,
)
from sanshi.concerns.models import Concern, Urgency
from sanshi.core.errors import InvalidInput
from sanshi.core.refcache import ReferenceCache
from sanshi.orgs.models import Membership, Org, Role
from sanshi.orgs.selectors import ancestor_ids, division_by_code, org_by_id
from sanshi.triage.dispatch import auto_dispatch_target
from sanshi.triage.engine import TriageResult, triage
from sanshi.triage.routing import RouteResult


def _orgs_with_dispatcher(ids: list[int]) -> set[int]:
    from sanshi.core import clock

    day = clock.now().date()
    rows = Membership.objects.filter(org_id__in=ids, role=Role.DISPATCHER, term_start__lte=day)
    rows = rows.exclude(term_end__lt=day)
    return set(rows.values_list("org_id", flat=True))


def _root_org() -> Org:
    configured = getattr(settings, "TRIAGE_DEFAULT_ORG_ID", None)
    org = Org.objects.filter(pk=configured).first() if configured else None
    org = org or Org.objects.filter(parent__isnull=True).order_by("pk").first()
    if org is None:
        raise InvalidInput("no federation org exists yet to receive concerns")
    return org


def _receiving_org_in_db(route: RouteResult | None) -> Org:
    if route is None or route.org_id is None:
        return _root_org()
    covering = Org.objects.get(pk=route.org_id)
    chain = ancestor_ids(covering)
    staffed = _orgs_with_dispatcher(chain)
    for org_id in reversed(chain):
        if org_id in staffed:
            return Org.objects.get(pk=org_id)
    return Org.objects.get(pk=chain[0])


AUTO_DISPATCH_NOTE = "自动派单（智能分拨）"

# The receiving org depends on the tree and on who dispatches where.
_receiving = ReferenceCache("receiving-orgs", Org, Membership)


def receiving_org(route: RouteResult | None) -> Org:
    """The lowest org covering the route that has a dispatcher, walking up; else the root org
    (looked up at most every REFERENCE_DATA_SECONDS per covering org)."""
    key = route.org_id if route is not None else None
    org_id = _receiving.get(key, lambda: _receiving_org_in_db(route).pk)
    org = org_by_id(org_id)
    return org if org is not None else _receiving_org_in_db(route)


def _what(result: TriageResult, given: dict[str, Any]) -> dict[str, Any]:
    """Category, subcategory and urgency: the caller's word first, but danger is never cleared."""
    category, subcategory = given.pop("category", ""), given.pop("subcategory", "")
    if not category and not subcategory:
        category, subcategory = result.category, result.subcategory
    elif category and not subcategory and result.subcategory.startswith(category + "."):
        subcategory = result.subcategory
    urgency = given.pop("urgency", None) or result.urgency
    if result.critical:
        urgency = Urgency.CRITICAL
    return {"category": category, "subcategory": subcategory, "urgency": urgency}


def _where(route: RouteResult | None, given: dict[str, Any]) -> dict[str, Any]:
    where: dict[str, Any] = {}
    if route is None:
        return where
    if "division" not in given and route.division_code:
        where["division"] = division_by_code(route.division_code)
    if "community" not in given and route.community_org_id is not None:
        where["community"] = org_by_id(route.community_org_id)
    return where


def intake_concern(
    *,
    text: str,
    channel: str,
    address: str = "",
    actor: User | None = None,
    **receive_kwargs: Any,
) -> tuple[Concern, TriageResult]:
    """Triage a new concern, receive it at the right org, and dispatch it when triage is sure.

    `receive_kwargs` go to `receive_concern` and win over triage's suggestions (an explicit
    `org`, `category`, `urgency`, ...), except that a critical triage keeps it critical.
    Bad input is refused before the transaction starts, so a caller's own transaction stays
    usable after an InvalidInput.
    """
    given = dict(receive_kwargs)
    result = triage(text, address or None)
    org = given.pop("org", None) or receiving_org(result.route)
    intake: dict[str, Any] = dict(
        text=text,
        channel=channel,
        org=org,
        actor=actor,
        address=address,
        triage=result.as_dict(),
        triage_version=result.model_version,
        **_what(result, given),
        **_where(result.route, given),
        **given,
    )
    _text, category, *_rest = check_receivable(**intake)
    target = auto_dispatch_target(category, org, result)
    # The received and dispatched rows' notifications share one task.
    with transaction.atomic(savepoint=False), notified_together():
        concern = receive_concern(
            **intake, dispatch_to=target, dispatch_note=AUTO_DISPATCH_NOTE if target else ""
        )
    return concern, result
