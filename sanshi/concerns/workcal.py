"""Working days under China's official calendar of public holidays and make-up days (调休).

The `holidays` package carries each year's State Council notice, make-up working days
included (`weekend_workdays`); admins add CalendarOverride rows for years it does not know yet.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

from sanshi.concerns.models import CalendarOverride
from sanshi.core.refcache import ReferenceCache


@lru_cache(maxsize=64)
def _official(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


class WorkingCalendar:
    """Answers "is this a working day?" with the admins' overrides loaded once."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None) -> None:
        self.overrides = overrides if overrides is not None else load_overrides()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return bool(_official(day.year).is_working_day(day))

    def add_working_days(self, start: dt.datetime, count: int) -> dt.datetime:
        """The same local time of day, `count` working days after the start's date."""
        local = timezone.localtime(start)
        day = local.date()
        added = 0
        while added < count:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                added += 1
        naive = dt.datetime.combine(day, local.time().replace(tzinfo=None))
        return timezone.make_aware(naive, timezone.get_current_timezone())


_overrides = ReferenceCache("calendar-overrides", CalendarOverride)


def load_overrides() -> dict[dt.date, bool]:
    """Every admin override, keyed by date (read at most every REFERENCE_DATA_SECONDS)."""
    return dict(_overrides.get("all", _overrides_in_db))


def _overrides_in_db() -> dict[dt.date, bool]:
    return dict(CalendarOverride.objects.values_list("date", "is_working_day"))
