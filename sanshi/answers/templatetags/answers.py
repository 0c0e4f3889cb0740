"""The report page's public ready answers, as one tag (the intake view stays as it is)."""

from __future__ import annotations

from typing import Any

from django import template

from sanshi.answers.selectors import public_answers

register = template.Library()


@register.inclusion_tag("answers/public.html")
def public_ready_answers() -> dict[str, Any]:
    return {"public_answers": public_answers()}
