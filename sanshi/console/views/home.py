"""Home: what needs me now, in the order the issue gives, with filters that stick."""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from sanshi.concerns.models import Sanshi, Urgency
from sanshi.console.selectors import HomeFilters, home_sections, visible_orgs
from sanshi.console.views.common import ConsoleRequest, console_view, page

SESSION_KEY = "console.home.filters"


def _parse(params: Mapping[str, str], org_ids: set[int]) -> HomeFilters:
    """Filters from the query string; unknown values are ignored, never an error."""
    sanshi = params.get("sanshi", "")
    urgency = params.get("urgency", "")
    org_raw = params.get("org", "")
    org = int(org_raw) if org_raw.isdigit() and int(org_raw) in org_ids else None
    return HomeFilters(
        sanshi=sanshi if sanshi in Sanshi.values else "",
        urgency=urgency if urgency in Urgency.values else "",
        org=org,
    )


def sticky_filters(request: ConsoleRequest, org_ids: set[int]) -> HomeFilters:
    """Filters given now are remembered in the session; with none given, the last ones apply."""
    if "clear" in request.GET:
        request.session.pop(SESSION_KEY, None)
        return HomeFilters()
    if "filter" in request.GET:
        filters = _parse(request.GET, org_ids)
        request.session[SESSION_KEY] = filters.as_dict()
        return filters
    saved = request.session.get(SESSION_KEY) or {}
    return _parse({k: str(v or "") for k, v in saved.items()}, org_ids)


@require_GET
@console_view
def home(request: ConsoleRequest) -> HttpResponse:
    orgs = visible_orgs(request.viewer)
    filters = sticky_filters(request, set(orgs))
    sections = home_sections(request.viewer, filters, orgs)
    return page(
        request,
        "console/home.html",
        {
            "sections": sections,
            "filters": filters,
            "orgs": list(orgs.values()),
            "sanshi_choices": Sanshi.choices,
            "urgency_choices": Urgency.choices,
        },
    )
