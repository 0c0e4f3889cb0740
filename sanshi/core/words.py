"""Times and spans as people read them, in the reader's language (one place for every page).

`when` gives a local date and time with the year only where it is not this year; `due_in`
says how far a deadline is ("3天后到期", "due in 3 days"); `span` is a duration in words.
Templates reach them through the `words` tag library (sanshi.core.templatetags.words).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, ngettext


def _english() -> bool:
    return (get_language() or "").startswith("en")


def span(minutes: int) -> str:
    """A span in days, hours and minutes: '1天3小时' / '1 day 3 hours'."""
    days, rest = divmod(max(int(minutes), 0), 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d天", "%(n)d天", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d小时", "%(n)d小时", hours) % {"n": hours})
    if mins and not days:
        parts.append(ngettext("%(n)d分钟", "%(n)d分钟", mins) % {"n": mins})
    if not parts:
        return ngettext("%(n)d分钟", "%(n)d分钟", 0) % {"n": 0}
    return (" " if _english() else "").join(parts)


def _rounded(minutes: int) -> int:
    """Coarse spans read better: whole days beyond two days, whole hours beyond two hours."""
    if minutes >= 2 * 1440:
        return minutes // 1440 * 1440
    if minutes >= 120:
        return minutes // 60 * 60
    return minutes


def due_in(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """How far a deadline is from now: '3天后到期' or '超期2小时'."""
    left = int((moment - (now or timezone.now())).total_seconds() // 60)
    words = span(_rounded(abs(left)))
    if left >= 0:
        return gettext("%(span)s后到期") % {"span": words}
    return gettext("超期%(span)s") % {"span": words}


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def when(moment: dt.datetime | None) -> str:
    """A local date and time, the year shown only where it is not this year."""
    if moment is None:
        return ""
    local = _local(moment)
    this_year = local.year == timezone.localdate().year
    return date_format(local, gettext("n月j日 H:i") if this_year else gettext("Y年n月j日 H:i"))


def day(value: dt.date | dt.datetime | None) -> str:
    """A local date, the year shown only where it is not this year."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    this_year = value.year == timezone.localdate().year
    return date_format(value, gettext("n月j日") if this_year else gettext("Y年n月j日"))


def full_day(value: dt.date | dt.datetime | None) -> str:
    """A local date always with its year (certificates, reports, terms of office)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return date_format(value, gettext("Y年n月j日"))


def month(value: dt.date | None) -> str:
    """A month with its year: '2026年3月' / 'March 2026'."""
    if value is None:
        return ""
    return date_format(value, gettext("Y年n月"))
