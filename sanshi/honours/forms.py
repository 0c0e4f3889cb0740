"""Forms of the honours staff page: they parse and label; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.honours.models import HonourKind, HonourLevel, WorkKind


class NominationForm(forms.Form):
    org = forms.TypedChoiceField(label=_("推荐单位"), coerce=int)
    kind = forms.ChoiceField(label=_("荣誉"), choices=HonourKind.choices)
    level = forms.ChoiceField(label=_("级别"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("年度"))
    nominee = forms.CharField(label=_("被推荐人（集体、家庭）"), max_length=60)
    unit = forms.CharField(label=_("单位"), max_length=100, required=False)
    deeds = forms.CharField(
        label=_("主要事迹"), widget=forms.Textarea, max_length=4000, required=False
    )

    def __init__(self, *args: Any, orgs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["org"]
        field.choices = orgs


class CaseForm(forms.Form):
    tracking = forms.CharField(label=_("已办结诉求的查询码"), max_length=32)
    title = forms.CharField(label=_("标题"), max_length=80)
    body = forms.CharField(
        label=_("正文（已去除可识别信息）"), widget=forms.Textarea, max_length=4000
    )
    consent = forms.BooleanField(label=_("当事人已同意公开（已记录）"), required=False)


class StudioForm(forms.Form):
    leader_name = forms.CharField(label=_("领办人"), max_length=32)
    leader_title = forms.CharField(
        label=_("领办人简介（职务、荣誉）"), max_length=120, required=False
    )
    intro = forms.CharField(
        label=_("工作室介绍"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    opened_on = forms.DateField(
        label=_("揭牌日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    role = forms.CharField(label=_("角色"), max_length=60, required=False)


class WorkForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=WorkKind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    summary = forms.CharField(
        label=_("简介"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000, required=False
    )
    held_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
