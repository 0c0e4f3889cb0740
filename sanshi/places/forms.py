"""Forms: they parse what a page sent; the rules live in actions.py."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.places.models import Audience, PlaceKind

SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})\s*$")
DAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PlaceKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("电话"), max_length=32, required=False)
    capacity = forms.IntegerField(label=_("可容纳人数"), min_value=0, initial=0)
    facilities = forms.CharField(label=_("设施"), max_length=300, required=False)
    is_public = forms.BooleanField(label=_("在公众目录中显示"), required=False, initial=True)


def parse_spans(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "14:30-18:00、19:00-21:00" → two spans; raises ValueError with a reason."""
    spans = []
    for part in re.split(r"[,，、;；]", text or ""):
        if not part.strip():
            continue
        found = SPAN.match(part)
        if found is None:
            raise ValueError(part.strip())
        h1, m1, h2, m2 = (int(x) for x in found.groups())
        spans.append((dt.time(h1, m1), dt.time(h2, m2)))
    return spans


class HoursForm(forms.Form):
    """One text box per weekday: "14:30-18:00", several spans separated by 、 or commas."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in enumerate(DAYS):
            self.fields[f"day{day}"] = forms.CharField(label=label, required=False, max_length=100)

    def spans(self) -> list[tuple[int, dt.time, dt.time]]:
        out = []
        for day in range(7):
            try:
                out += [(day, o, c) for o, c in parse_spans(self.cleaned_data[f"day{day}"])]
            except ValueError as exc:
                raise forms.ValidationError(
                    _("看不懂的时间：%(t)s（例如 14:30-18:00）"), params={"t": str(exc)}
                ) from None
        return out


class ManagersForm(forms.Form):
    managers = forms.MultipleChoiceField(
        label=_("管理员"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["managers"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101 - declared above
        field.choices = [(str(pk), name) for pk, name in people]


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=100)
    description = forms.CharField(
        label=_("介绍"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    audience = forms.ChoiceField(label=_("对象"), choices=Audience.choices)
    location = forms.CharField(label=_("地点（默认为阵地地址）"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("开始"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000)
    signup_closes = forms.DateTimeField(
        label=_("报名截止（默认为开始时）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    weeks = forms.IntegerField(
        label=_("每周重复（周数，1 为不重复）"), min_value=1, max_value=52, initial=1
    )
    place = forms.IntegerField(required=False, widget=forms.HiddenInput)


LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class ActivityChangeForm(forms.Form):
    """A published activity's time, location and capacity (filled with what they are now)."""

    starts_at = forms.DateTimeField(
        label=_("开始"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )
    ends_at = forms.DateTimeField(
        label=_("结束"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )
    location = forms.CharField(label=_("地点"), max_length=200)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000)


class SignUpForm(forms.Form):
    name = forms.CharField(label=_("您的姓名"), max_length=32)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ChildSignUpForm(SignUpForm):
    child_name = forms.CharField(label=_("孩子的名字"), max_length=32)
    child_age = forms.IntegerField(label=_("孩子的年龄"), min_value=0, max_value=17)
    guardian_consent = forms.BooleanField(
        label=_("我是孩子的监护人，同意为孩子报名并提供孩子的名字和年龄"), required=False
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("意见和建议"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DoorForm(forms.Form):
    phone = forms.CharField(
        label=_("报名时的手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )


class DutyForm(forms.Form):
    volunteer = forms.TypedChoiceField(label=_("志愿者"), coerce=int)

    def __init__(self, *args: Any, volunteers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = volunteers


class DutyHoursForm(forms.Form):
    hours = forms.DecimalField(label=_("时长（小时）"), min_value=0, max_value=24, decimal_places=1)
