"""Background work for the dashboard: the rollup refresh and the monthly report by mail."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from sanshi.analytics import report
from sanshi.analytics.models import ReportDelivery
from sanshi.concerns.workcal import WorkingCalendar
from sanshi.core import clock
from sanshi.orgs.models import Membership, Role


@task()
def refresh_rollups() -> dict[str, int]:
    """`sanshi rollup` as a task, for deployments that schedule through the worker."""
    from sanshi.analytics.rollups import refresh

    result = refresh()
    return {"events": result.events, "watermark": result.watermark}


@task()
def mail_monthly_reports() -> int:
    """On the first working day of a month, last month's report to each chair (idempotent)."""
    return send_monthly_reports(timezone.localdate())


def first_working_day(month: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    cal = calendar or WorkingCalendar()
    day = month.replace(day=1)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def send_monthly_reports(today: dt.date) -> int:
    """Reports mailed now: none unless today is the month's first working day."""
    if today != first_working_day(today):
        return 0
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    chairs = (
        Membership.objects.filter(
            role=Role.CHAIR, term_start__lte=today, person__user__isnull=False
        )
        .exclude(term_end__lt=today)
        .exclude(person__user__email="")
        .select_related("org", "person__user")
        .order_by("org__path", "pk")
    )
    sent = 0
    for m in chairs:
        user = m.person.user
        if user is None:
            continue
        try:
            with transaction.atomic():
                # The row first: a second run at once waits on it and then skips this chair;
                # a mail that fails rolls the row back, so the next run tries again.
                ReportDelivery.objects.create(
                    org=m.org, user=user, month=last_month, sent_at=clock.now()
                )
                _mail(m.org, user.email, last_month)
        except IntegrityError:
            continue
        sent += 1
    return sent


def _mail(org, address: str, month: dt.date) -> None:  # type: ignore[no-untyped-def]
    built = report.build_report(org, month, deidentify=False)
    message = EmailMessage(
        subject=f"{built.title}",
        body=(
            f"{built.title}\n\n附件：Excel 工作簿与 PDF。\n"
            f"The monthly report of {org.name} for {month:%Y-%m}: Excel workbook and PDF attached."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    name = f"sanshi-{month:%Y-%m}-{org.pk}"
    message.attach(
        f"{name}.xlsx",
        report.workbook(built),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    message.attach(f"{name}.pdf", report.pdf(built), "application/pdf")
    message.send()
