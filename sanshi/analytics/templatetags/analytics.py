from __future__ import annotations

from typing import Any

from django import template

from sanshi.analytics.dashboard import dashboard_orgs

register = template.Library()


@register.filter
def has_dashboard(viewer: Any) -> bool:
    """Whether the console viewer may open the dashboard (chairs, staff, leaders)."""
    return viewer is not None and bool(dashboard_orgs(viewer.grants))
