"""The files panel on the console's concern page."""

from __future__ import annotations

from typing import Any

from django import template

from sanshi.attachments import conf
from sanshi.attachments.access import attachments_shown_to
from sanshi.concerns.models import Concern

register = template.Library()


@register.inclusion_tag("attachments/panel.html", takes_context=True)
def attachments_panel(context: template.Context, concern: Concern) -> dict[str, Any]:
    request = context["request"]
    return {
        "concern": concern,
        "attachments": list(attachments_shown_to(request.user, concern)),
        "max_mb": conf.max_bytes() // conf.MB,
        "max_files": conf.max_files(),
        "csrf_token": context.get("csrf_token"),
    }
