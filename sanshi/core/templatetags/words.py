"""Template filters for times in words: `{% load words %}` then `{{ x|when }}`, `|day`, `|due_in`."""

from __future__ import annotations

import datetime as dt

from django import template

from sanshi.core import words

register = template.Library()


@register.filter
def when(moment: dt.datetime | None) -> str:
    return words.when(moment)


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    return words.day(value)


@register.filter
def full_day(value: dt.date | dt.datetime | None) -> str:
    return words.full_day(value)


@register.filter
def due_in(moment: dt.datetime | None) -> str:
    return words.due_in(moment) if moment is not None else ""


@register.filter
def span(minutes: int) -> str:
    return words.span(int(minutes))


@register.filter
def month(value: dt.date | None) -> str:
    return words.month(value)
