from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from sanshi.concerns.models import CalendarOverride, DurationUnit, SlaPolicy
from sanshi.concerns.sla import deadlines_from, policy_for
from sanshi.concerns.workcal import WorkingCalendar

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_public_holidays_and_make_up_working_days_of_2026() -> None:
    cal = WorkingCalendar()
    assert cal.is_working_day(dt.date(2026, 10, 1)) is False  # National Day
    assert cal.is_working_day(dt.date(2026, 2, 17)) is False  # Spring Festival
    assert cal.is_working_day(dt.date(2026, 10, 10)) is True  # Saturday, make-up working day
    assert cal.is_working_day(dt.date(2026, 2, 14)) is True  # Saturday, make-up working day
    assert cal.is_working_day(dt.date(2026, 11, 28)) is False  # an ordinary Saturday
    assert cal.is_working_day(dt.date(2026, 11, 27)) is True  # an ordinary Friday


@pytest.mark.django_db
def test_working_days_skip_a_weekend() -> None:
    assert WorkingCalendar().add_working_days(at(2026, 11, 27), 2) == at(2026, 12, 1)


@pytest.mark.django_db
def test_working_days_skip_golden_week_and_count_the_make_up_saturday() -> None:
    cal = WorkingCalendar()
    assert cal.add_working_days(at(2026, 9, 30), 1) == at(2026, 10, 8)
    assert cal.add_working_days(at(2026, 10, 9), 1) == at(2026, 10, 10)


@pytest.mark.django_db
def test_an_admin_override_wins_for_a_year_the_package_does_not_know() -> None:
    CalendarOverride.objects.create(date=dt.date(2027, 2, 11), is_working_day=False, note="春节")
    CalendarOverride.objects.create(date=dt.date(2027, 2, 20), is_working_day=True, note="调休上班")
    cal = WorkingCalendar()
    assert (cal.is_working_day(dt.date(2027, 2, 11)), cal.is_working_day(dt.date(2027, 2, 20))) == (
        False,
        True,
    )
    # Thu 2027-02-11 is now a holiday and Sat 02-20 a working day.
    assert cal.add_working_days(at(2027, 2, 10), 1) == at(2027, 2, 12)


@pytest.mark.django_db
def test_normal_tier_deadlines_from_taxonomy_defaults() -> None:
    due = deadlines_from(at(2026, 11, 27, 16), policy_for("normal"))
    assert (due.sign, due.contact, due.resolve) == (
        at(2026, 11, 28, 16),
        at(2026, 12, 1, 16),
        at(2026, 12, 4, 16),
    )


@pytest.mark.django_db
def test_a_category_policy_overrides_the_tier() -> None:
    SlaPolicy.objects.create(
        urgency="normal",
        category="family",
        sign_within=2,
        sign_unit=DurationUnit.HOURS,
        contact_within=1,
        contact_unit=DurationUnit.WORKING_DAYS,
        resolve_within=15,
        resolve_unit=DurationUnit.WORKING_DAYS,
    )
    due = deadlines_from(at(2026, 11, 27), policy_for("normal", "family"))
    assert (due.sign, due.contact, due.resolve) == (
        at(2026, 11, 27, 12),
        at(2026, 11, 30),
        at(2026, 12, 18),
    )
    assert policy_for("normal", "work").sign_within == 24


@pytest.mark.django_db
def test_critical_tier_counts_minutes() -> None:
    due = deadlines_from(at(2026, 10, 1), policy_for("critical"))
    assert (due.sign, due.contact, due.resolve) == (
        at(2026, 10, 1) + dt.timedelta(minutes=30),
        at(2026, 10, 1) + dt.timedelta(minutes=30),
        at(2026, 10, 1, 12),
    )
