"""Forms for the duties pages (shape only; the rules live in actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.duties.models import Audience, Grade

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _points(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=1000, decimal_places=1, max_digits=5
    )


class RuleForm(forms.Form):
    base = _points(_("基础分"))
    per_visit = _points(_("每次走访加分"))
    per_concern = _points(_("每件办理诉求加分"))
    per_activity = _points(_("每场组织活动加分"))
    per_training = _points(_("每次参加培训加分"))
    minus_overdue = _points(_("每次走访逾期扣分"))
    minus_returned = _points(_("每件退单扣分"))


class EvaluationForm(forms.Form):
    grade = forms.ChoiceField(label=_("评议等次"), choices=Grade.choices)
    reason = forms.CharField(
        label=_("评议理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrainingForm(forms.Form):
    org = forms.TypedChoiceField(label=_("举办单位"), coerce=int)
    title = forms.CharField(label=_("培训名称"), max_length=100)
    audience = forms.ChoiceField(label=_("培训对象"), choices=Audience.choices)
    held_on = forms.DateField(label=_("日期"), widget=DATE)
    hours = forms.DecimalField(
        label=_("学时（小时）"), min_value=0, max_value=24, decimal_places=1, max_digits=4
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)

    def __init__(self, *args: object, orgs: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["org"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = orgs
