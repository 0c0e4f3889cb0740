"""Forms that parse the console's input; the rules live in sanshi.concerns.actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import (
    REFERRAL_REFERENCE_MAX,
    ContactMethod,
    LegalStep,
    ReferralBody,
    Satisfaction,
    Status,
    Urgency,
)
from sanshi.concerns.taxonomy import category_choices, taxonomy

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})


def subcategory_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Subcategories grouped under their category, for a <select> with <optgroup>s."""
    return [(c.label, [(s.code, s.label) for s in c.subcategories]) for c in taxonomy().categories]


class EmptyForm(forms.Form):
    """Sign: nothing to fill in."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=2000)


class ContactForm(forms.Form):
    method = forms.ChoiceField(label=_("方式"), choices=ContactMethod.choices)
    outcome = forms.CharField(label=_("结果"), widget=TEXTAREA, max_length=2000)


class SafeContactForm(ContactForm):
    """Contact on a protected concern: the victim may be overheard or her phone read."""

    outcome = forms.CharField(
        label=_("结果"),
        widget=TEXTAREA,
        max_length=2000,
        help_text=_(
            "安全联系：先问对方现在是否方便说话、身边有没有人；不要留言、不要发短信，"
            "不要说明来电单位，除非确认安全。记录约定的安全时段和方式。"
        ),
    )


class DangerCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("判断"),
        choices=[("confirm", _("确认有危险（转为紧急并保护）")), ("clear", _("排除危险"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("理由（如何核实的）"), widget=TEXTAREA, max_length=2000)


class ReferForm(forms.Form):
    body = forms.ChoiceField(label=_("转介单位"), choices=ReferralBody.choices)
    reference = forms.CharField(
        label=_("对方编号"), required=False, max_length=REFERRAL_REFERENCE_MAX
    )
    follow_up_on = forms.DateField(label=_("跟进日期"), required=False, widget=DATE)
    note = forms.CharField(label=_("说明"), required=False, widget=TEXTAREA, max_length=2000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("备注"), widget=TEXTAREA, max_length=2000)


class ExtensionRequestForm(forms.Form):
    until = forms.DateTimeField(label=_("延期至"), widget=DATETIME)
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=2000)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[("approve", _("同意延期")), ("refuse", _("不同意"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("意见"), required=False, widget=TEXTAREA, max_length=2000)


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )


class FollowUpForm(forms.Form):
    method = forms.ChoiceField(
        label=_("回访方式"), choices=[("phone", _("电话")), ("visit", _("入户"))]
    )
    solved = forms.ChoiceField(
        label=_("是否解决"),
        choices=[("yes", _("已解决")), ("no", _("未解决"))],
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=Satisfaction.choices)
    comment = forms.CharField(label=_("居民意见"), required=False, widget=TEXTAREA, max_length=2000)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("并入（查询码）"), max_length=12)
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def clean_into(self) -> str:
        return str(self.cleaned_data["into"]).strip().upper()


class EscalateForm(forms.Form):
    target = forms.ChoiceField(
        label=_("吹哨对象"),
        choices=[("parent", _("上级妇联")), ("department", _("职能部门"))],
        widget=forms.RadioSelect,
    )
    department = forms.CharField(label=_("部门名称"), required=False, max_length=100)
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=2000)


class EscalationResponseForm(forms.Form):
    response = forms.CharField(label=_("报到回应"), widget=TEXTAREA, max_length=2000)
    rating = forms.ChoiceField(
        label=_("评价"), required=False, choices=[("", "—"), *Satisfaction.choices]
    )


class AssignForm(forms.Form):
    person = forms.TypedChoiceField(label=_("人员"), coerce=int, choices=[])
    role = forms.ChoiceField(label=_("角色"), choices=[("assist", _("协办")), ("lead", _("主办"))])

    def __init__(self, *args: Any, people: list[tuple[int, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["person"].choices = people or []  # type: ignore[attr-defined]


class DispatchForm(forms.Form):
    org = forms.TypedChoiceField(label=_("派往"), coerce=int, choices=[])
    handler = forms.TypedChoiceField(
        label=_("指定人员"), coerce=int, required=False, empty_value=None, choices=[]
    )
    note = forms.CharField(label=_("派单说明"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        orgs: list[tuple[int, str]] | None = None,
        people: list[tuple[int, str]] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["org"].choices = orgs or []  # type: ignore[attr-defined]
        self.fields["handler"].choices = [("", "—"), *(people or [])]  # type: ignore[attr-defined]
        # Picking an org loads its people into the handler list (htmx).
        self.fields["org"].widget.attrs.update(
            {
                "hx-get": reverse("console:handler_options"),
                "hx-trigger": "change",
                "hx-target": "next select",
            }
        )


class ReclassifyForm(forms.Form):
    subcategory = forms.ChoiceField(label=_("正确分类"), choices=[])
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=2000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["subcategory"].choices = subcategory_groups()  # type: ignore[attr-defined]


class UrgencyForm(forms.Form):
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices)
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=2000)


class MandatoryReportForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, initial=LegalStep.Step.MANDATORY_REPORT)
    reported_to = forms.CharField(label=_("报告对象（如派出所）"), max_length=100)
    reported_at = forms.DateTimeField(label=_("报告时间"), widget=DATETIME)
    reference = forms.CharField(label=_("回执编号"), required=False, max_length=64)


class PoliceWarningForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, initial=LegalStep.Step.POLICE_WARNING)
    police_station = forms.CharField(label=_("出具告诫书的公安机关"), max_length=100)
    issued_on = forms.DateField(label=_("出具日期"), widget=DATE)
    reference = forms.CharField(label=_("告诫书编号"), required=False, max_length=64)


class ProtectionOrderForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, initial=LegalStep.Step.PROTECTION_ORDER)
    court = forms.CharField(label=_("受理法院"), max_length=100)
    applied_on = forms.DateField(label=_("申请日期"), widget=DATE)
    urgent = forms.BooleanField(label=_("情况紧急（24小时内裁定）"), required=False)
    reference = forms.CharField(label=_("案号"), required=False, max_length=64)


class ShelterReferralForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput, initial=LegalStep.Step.SHELTER_REFERRAL)
    shelter = forms.CharField(label=_("庇护场所"), max_length=100)
    referred_on = forms.DateField(label=_("转介日期"), widget=DATE)
    reference = forms.CharField(label=_("编号"), required=False, max_length=64)


# The law behind each step, named on its form (Anti-Domestic Violence Law 2016, Minors
# Protection Law 2020).
LEGAL_LAWS: dict[str, Any] = {
    LegalStep.Step.MANDATORY_REPORT: _("反家庭暴力法第十四条、未成年人保护法第十一条"),
    LegalStep.Step.POLICE_WARNING: _("反家庭暴力法第十六条、第十七条"),
    LegalStep.Step.PROTECTION_ORDER: _("反家庭暴力法第二十三条、第二十八条"),
    LegalStep.Step.SHELTER_REFERRAL: _("反家庭暴力法第十八条"),
}

LEGAL_FORMS: dict[str, type[forms.Form]] = {
    LegalStep.Step.MANDATORY_REPORT: MandatoryReportForm,
    LegalStep.Step.POLICE_WARNING: PoliceWarningForm,
    LegalStep.Step.PROTECTION_ORDER: ProtectionOrderForm,
    LegalStep.Step.SHELTER_REFERRAL: ShelterReferralForm,
}


class LegalDoneForm(forms.Form):
    legal_step = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        label=_("结果（查访情况、法院裁定等）"), widget=TEXTAREA, max_length=2000
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查询码或内容"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("分类"), required=False, choices=[])
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", "—"), *Status.choices]
    )
    org = forms.TypedChoiceField(
        label=_("组织"), coerce=int, required=False, empty_value=None, choices=[]
    )
    start = forms.DateField(label=_("受理日期从"), required=False, widget=DATE)
    end = forms.DateField(label=_("至"), required=False, widget=DATE)
    handler = forms.CharField(label=_("经办人"), required=False, max_length=64)

    def __init__(self, *args: Any, orgs: list[tuple[int, str]] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["category"].choices = [("", "—"), *category_choices()]  # type: ignore[attr-defined]
        self.fields["org"].choices = [("", "—"), *(orgs or [])]  # type: ignore[attr-defined]


class SavedFilterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
