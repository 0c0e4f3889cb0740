"""HTML forms: they only parse; the actions check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

AVAILABILITY = [
    ("weekend", _("周末")),
    ("weekday", _("工作日白天")),
    ("evening", _("晚上")),
    ("any", _("都可以")),
]
SKILLS = [
    ("companionship", _("陪伴关爱")),
    ("tutoring", _("课业辅导")),
    ("law", _("法律咨询")),
    ("psychology", _("心理疏导")),
    ("health", _("医疗健康")),
    ("crafts", _("手工培训")),
    ("events", _("活动组织")),
]


class JoinForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        help_text=_("实名注册需要；加密保存，只显示前四位和后四位。"),
    )
    community = forms.TypedChoiceField(label=_("所在社区"), coerce=int)
    skills = forms.MultipleChoiceField(
        label=_("特长"), choices=SKILLS, required=False, widget=forms.CheckboxSelectMultiple
    )
    availability = forms.ChoiceField(label=_("可服务时间"), choices=AVAILABILITY)
    consent = forms.BooleanField(
        label=_("我同意妇联为志愿服务记录与证明而处理以上信息"), required=False
    )

    def __init__(self, *args: object, communities: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["community"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—"), *communities]


class LookupForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )
    id_number = forms.CharField(label=_("身份证号"), max_length=20)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("证书编号"), max_length=24)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("通过")), ("reject", _("不通过"))], widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ServiceForm(forms.Form):
    activity = forms.CharField(label=_("服务内容（活动、诉求或走访）"), max_length=100)
    served_on = forms.DateField(
        label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hours = forms.DecimalField(
        label=_("服务时长（小时，不含路途）"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        max_digits=4,
        widget=forms.NumberInput(attrs={"class": "u-w12", "step": "0.5"}),
    )
    concern_code = forms.CharField(
        label=_("诉求查询码（为某件诉求服务时填写）"), max_length=20, required=False
    )


class CorrectForm(forms.Form):
    hours = forms.DecimalField(
        label=_("更正为（小时）"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        max_digits=4,
        widget=forms.NumberInput(attrs={"class": "u-w12", "step": "0.5"}),
    )
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("服务队名称"), max_length=64)


class AssignForm(forms.Form):
    team = forms.TypedChoiceField(label=_("服务队"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: object, teams: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["team"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—"), *teams]
