"""Small display helpers for console templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from sanshi.concerns.models import EventKind, LegalStep
from sanshi.concerns.taxonomy import taxonomy
from sanshi.concerns.tracking import format_tracking_code
from sanshi.console.presenters import human_minutes
from sanshi.core.crypto import mask_phones_in_text

register = template.Library()

DATA_LABELS = {
    "method": "方式", "body": "转介单位", "reference": "编号", "follow_up_on": "跟进日期",
    "until": "延期至", "department": "部门", "rating": "评价", "satisfaction": "满意度",
    "solved": "解决", "into_code": "并入", "from_code": "并入自", "reported_to": "报告对象",
    "reported_at": "报告时间", "police_station": "公安机关", "issued_on": "出具日期",
    "court": "法院", "applied_on": "申请日期", "urgent": "紧急", "shelter": "庇护场所",
    "referred_on": "转介日期", "due": "期限", "deadline": "期限类型",
}  # fmt: skip
VALUE_LABELS = {
    "phone": "电话", "visit": "入户走访", "online": "线上", "in_person": "当面",
    "resident": "居民自评",
    "police": "公安", "court": "法院", "civil_affairs": "民政", "legal_aid": "法律援助",
    "hospital": "医院", "school": "学校", "other": "其他", "satisfied": "满意", "basic": "基本满意",
    "unsatisfied": "不满意", "sign": "签收", "contact": "联系", "resolve": "办结",
    **{str(s.value): str(s.label) for s in LegalStep.Step},
}  # fmt: skip


@register.filter
def mask_phones(text: str) -> str:
    """Phone numbers inside notes are masked like the reporter's own (revealed only on request)."""
    return mask_phones_in_text(str(text))


@register.filter
def minutes(value: int) -> str:
    return human_minutes(int(value))


@register.filter
def event_label(kind: str) -> str:
    return str(EventKind(kind).label) if kind in EventKind.values else kind


@register.filter
def category_name(code: str) -> str:
    tax = taxonomy()
    sub = tax.subcategories.get(code)
    if sub is not None:
        return sub.name
    cat = tax.by_code.get(code)
    return cat.name if cat is not None else code


TIME_KEYS = frozenset({"due", "until"})


def _local_time(value: str) -> str:
    """An ISO time stored on an event, as staff read it (2026-03-02 18:30)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


@register.filter
def event_details(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The readable parts of an event's data, e.g. [('方式', '入户走访')]."""
    if not isinstance(data, dict):
        return []
    shown = []
    for key, label in DATA_LABELS.items():
        value = data.get(key)
        if value in (None, "", {}):
            continue
        if isinstance(value, bool):
            text = "是" if value else "否"
        elif key in TIME_KEYS and isinstance(value, str):
            text = _local_time(value)
        else:
            text = VALUE_LABELS.get(str(value), str(value))
        shown.append((label, text))
    return shown


@register.filter
def tracking(code: str) -> str:
    return format_tracking_code(code)


@register.filter
def legal_label(step: str) -> str:
    return str(LegalStep.Step(step).label) if step in LegalStep.Step.values else step


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])
