"""HTML forms of the phone pages: they only parse; the actions check the rules."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.network.actions import PersonEntry
from sanshi.network.models import CareFlag

_SPLIT = re.compile(r"[\s,，、;；]+")


def parse_people(text: str) -> list[PersonEntry]:
    """One person a line: name, then relation and phone if given ("王秀英 母亲 13800000000")."""
    people = []
    for line in (text or "").splitlines():
        parts = [p for p in _SPLIT.split(line.strip()) if p]
        if not parts:
            continue
        phone = next((p for p in parts[1:] if any(ch.isdigit() for ch in p)), "")
        rest = [p for p in parts[1:] if p != phone]
        people.append(PersonEntry(parts[0], " ".join(rest), phone))
    return people


def people_text(people: list[dict[str, str]]) -> str:
    return "\n".join(
        " ".join(
            p for p in (row.get("name", ""), row.get("relation", ""), row.get("phone", "")) if p
        )
        for row in people
    )


class HouseholdForm(forms.Form):
    address = forms.CharField(label=_("地址"), max_length=200)
    people = forms.CharField(
        label=_("家庭成员（每行一人：姓名 关系 电话）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(label=_("以上成员已同意登记其信息"), required=False)
    flags = forms.MultipleChoiceField(
        label=_("关爱标记"),
        choices=CareFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class VisitForm(forms.Form):
    household = forms.TypedChoiceField(label=_("联系户"), coerce=int)
    visited_on = forms.DateField(
        label=_("走访日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    found = forms.CharField(
        label=_("走访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up = forms.CharField(
        label=_("后续跟进"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, households: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["household"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = households


class RaiseForm(forms.Form):
    text = forms.CharField(
        label=_("反映的事"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    consent = forms.BooleanField(label=_("住户同意由执委代为反映"), required=False)


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)
