"""The overdue-visits panel other pages include (the console's home: one line there)."""

from __future__ import annotations

from typing import Any

from django import template

from sanshi.concerns import permissions as perm
from sanshi.network.access import KEEPER_ROLES
from sanshi.network.selectors import days_overdue, overdue_for

register = template.Library()


@register.inclusion_tag("network/overdue_panel.html", takes_context=True)
def network_overdue(context: dict[str, Any]) -> dict[str, Any]:
    """For committee members and chairs: households past their visiting date (nothing for
    anyone else, so volunteers and leaders never see a household or its flags)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not any(g.role in KEEPER_ROLES for g in perm.grants(user)):
        return {"show": False}
    overdue = overdue_for(user)
    seen: set[int] = set()
    rows = []
    for h in [*overdue.mine, *overdue.org]:
        if h.pk not in seen:
            seen.add(h.pk)
            rows.append({"h": h, "address": h.address, "late": days_overdue(h)})
    return {"show": True, "rows": rows}
