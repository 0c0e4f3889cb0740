"""Confirmed service records in the columns the national volunteer system imports
(全国志愿服务信息系统; the columns are listed in docs/volunteers.md)."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook

from sanshi.volunteers.models import ServiceRecord, Volunteer

COLUMNS = (
    "志愿者姓名",
    "证件类型",
    "证件号码",
    "手机号码",
    "性别",
    "服务项目名称",
    "服务日期",
    "服务时长（小时）",
    "志愿服务队伍",
    "记录组织",
    "记录人",
    "确认人",
    "确认日期",
)
GENDER = {"female": "女", "male": "男"}


def national_rows(volunteers: QuerySet[Volunteer], year: int) -> list[tuple[Any, ...]]:
    records = (
        ServiceRecord.objects.filter(
            volunteer__in=volunteers.values("pk"),
            status=ServiceRecord.Status.CONFIRMED,
            served_on__year=year,
        )
        .select_related("volunteer", "volunteer__team", "org", "entered_by", "confirmed_by")
        .order_by("served_on", "pk")
    )
    return [
        (
            r.volunteer.name,
            "居民身份证",
            r.volunteer.id_number,
            r.volunteer.phone,
            GENDER.get(r.volunteer.gender, "未说明"),
            r.activity,
            r.served_on.isoformat(),
            float(r.hours),
            r.volunteer.team.name if r.volunteer.team else "",
            r.org.name,
            r.entered_by.get_username() if r.entered_by else "",
            r.confirmed_by.get_username() if r.confirmed_by else "",
            timezone.localdate(r.confirmed_at).isoformat() if r.confirmed_at else "",
        )
        for r in records
    ]


def national_xlsx(volunteers: QuerySet[Volunteer], year: int) -> tuple[bytes, int]:
    """The workbook and its number of data rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = f"志愿服务记录{year}"
    sheet.append(COLUMNS)
    rows = national_rows(volunteers, year)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(rows)
