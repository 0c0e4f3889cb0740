"""The dashboard of the rates (console, for chairs, staff and leaders) and its report files."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse

from sanshi.analytics import dashboard as dash
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import InvalidInput, NotFound
from sanshi.orgs.models import Org
from sanshi.places.access import may_see_figures

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _org_for(request: ConsoleRequest) -> Org:
    """The org asked for (?org=id), or her own highest: only within what she may see."""
    grants = request.viewer.grants
    paths = dash.dashboard_orgs(grants)
    if not paths:
        raise NotFound("the dashboard is for chairs, staff and leaders")
    wanted = request.GET.get("org", "")
    if wanted:
        if not wanted.isdigit():
            raise NotFound("no such org")
        org = Org.objects.filter(pk=int(wanted)).first()
        if org is None or not dash.may_see(grants, org):
            raise NotFound("no such org")
        return org
    return Org.objects.filter(path__in=paths).order_by("depth", "name").first()  # type: ignore[return-value]


def _period(request: ConsoleRequest) -> tuple[dt.date, dt.date]:
    month = request.GET.get("month", "")
    if not month:
        return dash.period_of_months(dash.today())
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise InvalidInput("month must be YYYY-MM", fields={"month": month}) from exc
    return first, dash.month_starts(first, first + dt.timedelta(days=32))[-1]


@console_view
def dashboard(request: ConsoleRequest) -> HttpResponse:
    org = _org_for(request)
    start, end = dash.period_of_months(dash.today())
    board = dash.build(org, start, end, deidentify=dash.leader_only(request.viewer.grants, org))
    crumbs = [o for o in board.breadcrumbs if dash.may_see(request.viewer.grants, o)]
    return page(
        request,
        "analytics/dashboard.html",
        {
            "board": board,
            "crumbs": crumbs,
            "charts": board.chart_data(),
            "last_month": _last_month(),
            "places_figures": may_see_figures(request.user, request.viewer.grants),
        },
    )


def _last_month() -> str:
    first = dash.today().replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


@console_view
def report(request: ConsoleRequest, fmt: str) -> HttpResponse:
    """The monthly report of the org as .xlsx or .pdf (?month=YYYY-MM)."""
    from sanshi.analytics import report as monthly

    if fmt not in ("xlsx", "pdf"):
        raise NotFound("no such report format")
    org = _org_for(request)
    start, _end = _period(request)
    data = monthly.render(org, start, fmt, deidentify=dash.leader_only(request.viewer.grants, org))
    name = f"sanshi-{start:%Y-%m}-{org.pk}.{fmt}"
    response = HttpResponse(data.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
