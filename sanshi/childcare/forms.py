"""Forms of the 儿童之家 pages: they parse and label input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

EXTRA_COLLECTORS = 2


class EnrollForm(forms.Form):
    name = forms.CharField(label=_("孩子姓名"), max_length=32)
    first_name = forms.CharField(label=_("名字（志愿者只看到这个）"), max_length=32)
    birth_year = forms.IntegerField(label=_("出生年份"), required=False)
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=32)
    guardian_relation = forms.CharField(label=_("监护人与孩子的关系"), max_length=16)
    guardian_phone = forms.CharField(label=_("监护人电话"), max_length=20)
    household = forms.TypedChoiceField(
        label=_("执委联系的家庭（可不选）"), required=False, coerce=int, empty_value=None
    )
    consent = forms.BooleanField(label=_("监护人已同意登记孩子和接送人的信息"), required=False)

    def __init__(self, *args: Any, households: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["household"]
        field.choices = [("", "—"), *households]
        for i in range(EXTRA_COLLECTORS):
            n = i + 1
            self.fields[f"c{n}_name"] = forms.CharField(
                label=_("其他接送人姓名"), max_length=32, required=False
            )
            self.fields[f"c{n}_relation"] = forms.CharField(
                label=_("关系"), max_length=16, required=False
            )
            self.fields[f"c{n}_phone"] = forms.CharField(
                label=_("电话"), max_length=20, required=False
            )


class CollectorForm(forms.Form):
    name = forms.CharField(label=_("接送人姓名"), max_length=32)
    relation = forms.CharField(label=_("与孩子的关系"), max_length=16)
    phone = forms.CharField(label=_("电话"), max_length=20)
