"""Forms for the enterprise pages (shape only; the rules live in actions)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.enterprises.models import RequestKind

NO_FEDERATION = 0


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("需要什么帮助"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    enterprise = forms.CharField(label=_("企业名称"), max_length=100)
    federation = forms.TypedChoiceField(label=_("企业所属妇联"), coerce=int, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=32)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    text = forms.CharField(
        label=_("具体情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    consent = forms.BooleanField(
        label=_("我同意妇联为办理本诉求处理以上信息（联系人、电话、企业情况）"), required=False
    )

    def __init__(self, *args: object, federations: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["federation"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [(NO_FEDERATION, _("没有（由市妇联受理）")), *federations]


class ListedForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=100)
    sector = forms.CharField(label=_("行业"), max_length=50, required=False)
    women_led = forms.BooleanField(label=_("女性负责人"), required=False)


class LinkForm(forms.Form):
    federation = forms.TypedChoiceField(label=_("企业妇联"), coerce=int)

    def __init__(self, *args: object, federations: list[tuple[int, str]], **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        field = self.fields["federation"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = federations


class EntrepreneurForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=32)
    enterprise = forms.CharField(label=_("企业"), max_length=100)
    sector = forms.CharField(label=_("行业"), max_length=50, required=False)
    offers = forms.CharField(label=_("可提供的帮助或资源"), max_length=200, required=False)
    phone = forms.CharField(label=_("电话"), max_length=20, required=False)
    show_phone = forms.BooleanField(label=_("她同意公开电话"), required=False)
    consent = forms.BooleanField(label=_("她同意列入女企业家名录"), required=False)
