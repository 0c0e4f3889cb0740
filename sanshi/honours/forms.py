"""Forms of the honours staff page: they parse and label; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.honours.models import HonourKind, HonourLevel


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
