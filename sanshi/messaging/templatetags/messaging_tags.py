"""The STOP box on the tracking page and the safe-contact panel on the console's concern page."""

from __future__ import annotations

from typing import Any

from django import template

from sanshi.concerns.models import Concern
from sanshi.messaging.forms import SafeContactForm
from sanshi.messaging.rules import sensitive
from sanshi.messaging.selectors import messages_about, preference_of

register = template.Library()


@register.inclusion_tag("messaging/track_box.html", takes_context=True)
def messaging_stop_box(context: template.Context, concern: Concern) -> dict[str, Any]:
    preference = preference_of(concern)
    return {
        "concern": concern,
        "has_phone": bool(concern.reporter_phone) and not concern.anonymous,
        "stopped": preference is not None and preference.stopped_at is not None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("messaging/panel.html", takes_context=True)
def messaging_panel(context: template.Context, concern: Concern) -> dict[str, Any]:
    preference = preference_of(concern)
    initial = (
        {
            "channel": preference.channel,
            "window_start": preference.window_start,
            "window_end": preference.window_end,
        }
        if preference is not None
        else {}
    )
    return {
        "concern": concern,
        "preference": preference,
        "sensitive": sensitive(concern),
        "log": list(messages_about(concern)[:10]),
        "form": SafeContactForm(initial=initial, auto_id="sms_%s"),
        "csrf_token": context.get("csrf_token"),
    }
