"""Small display helpers for console templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import EventKind, LegalStep
from sanshi.concerns.taxonomy import name_of
from sanshi.concerns.tracking import format_tracking_code
from sanshi.console.presenters import human_minutes
from sanshi.core import words
from sanshi.core.crypto import mask_phones_in_text

register = template.Library()

DATA_LABELS = {
    "method": _("方式"),
    "body": _("转介单位"),
    "reference": _("编号"),
    "follow_up_on": _("跟进日期"),
    "until": _("延期至"),
    "department": _("部门"),
    "rating": _("评价"),
    "satisfaction": _("满意度"),
    "solved": _("解决"),
    "into_code": _("并入"),
    "from_code": _("并入自"),
    "reported_to": _("报告对象"),
    "reported_at": _("报告时间"),
    "police_station": _("公安机关"),
    "issued_on": _("出具日期"),
    "court": _("法院"),
    "applied_on": _("申请日期"),
    "urgent": _("紧急"),
    "shelter": _("庇护场所"),
    "referred_on": _("转介日期"),
    "due": _("期限"),
    "deadline": _("期限类型"),
    "auto": _("自动"),
}
VALUE_LABELS = {
    "phone": _("电话"),
    "visit": _("入户走访"),
    "online": _("线上"),
    "in_person": _("当面"),
    "resident": _("居民自评"),
    "police": _("公安"),
    "court": _("法院"),
    "civil_affairs": _("民政"),
    "legal_aid": _("法律援助"),
    "hospital": _("医院"),
    "school": _("学校"),
    "other": _("其他"),
    "satisfied": _("满意"),
    "basic": _("基本满意"),
    "unsatisfied": _("不满意"),
    "sign": _("签收"),
    "contact": _("联系"),
    "resolve": _("办结"),
    **{str(s.value): s.label for s in LegalStep.Step},
}
# Which clock an overdue or reminder event is about ("超期未办：首次联系", never "contact").
DEADLINE_LABELS = {
    "sign": _("签收"),
    "contact": _("首次联系"),
    "resolve": _("答复办结"),
    "check": _("危险核查"),
}


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
    """A category or sub-category code named in the reader's language."""
    return name_of(code) if code else ""


TIME_KEYS = frozenset({"due", "until", "reported_at"})
DATE_KEYS = frozenset({"follow_up_on", "issued_on", "applied_on", "referred_on"})


def _local_time(value: str) -> str:
    """An ISO time stored on an event, as staff read it (3月2日 18:30, with the year if not this)."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return words.when(moment)


def _local_date(value: str) -> str:
    try:
        return words.day(dt.date.fromisoformat(value))
    except ValueError:
        return value


register.filter("when", words.when)
register.filter("day", words.day)


@register.filter
def due_in(moment: dt.datetime | None) -> str:
    """How far a deadline is from now, in words: '3天后到期', '超期2小时'."""
    return words.due_in(moment) if moment is not None else ""


@register.filter
def event_details(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The readable parts of an event's data, in the reader's language: [('方式', '入户走访')]."""
    if not isinstance(data, dict):
        return []
    shown = []
    for key, label in DATA_LABELS.items():
        value = data.get(key)
        if value in (None, "", {}):
            continue
        if isinstance(value, bool):
            text = gettext("是") if value else gettext("否")
        elif key in TIME_KEYS and isinstance(value, str):
            text = _local_time(value)
        elif key in DATE_KEYS and isinstance(value, str):
            text = _local_date(value)
        elif key == "deadline" and str(value) in DEADLINE_LABELS:
            text = str(DEADLINE_LABELS[str(value)])
        else:
            text = str(VALUE_LABELS.get(str(value), value))
        shown.append((str(label), text))
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


@register.filter
def legal_law(step: str) -> str:
    """The law behind a legal step, e.g. '反家庭暴力法第二十三条、第二十八条'."""
    from sanshi.console.forms import LEGAL_LAWS

    law = LEGAL_LAWS.get(step)
    return str(law) if law is not None else ""
