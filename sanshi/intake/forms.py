"""The resident's report form and the rating form: parsing and field checks only."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import Satisfaction
from sanshi.concerns.taxonomy import taxonomy
from sanshi.intake.reporter import ReporterRelation

MAX_TEXT = 4000
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str) -> str:
    """Drop control characters (PostgreSQL refuses NUL; nobody types them on purpose)."""
    return _CONTROL.sub("", value or "").strip()


def subcategory_choices() -> list[tuple[str, Any]]:
    """Grouped for <optgroup>: not sure first, then each category's subcategories."""
    choices: list[tuple[str, Any]] = [("", _("不确定，请工作人员判断"))]
    for cat in taxonomy().categories:
        choices.append((cat.label, [(s.code, s.label) for s in cat.subcategories]))
    return choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented recipe); a list, maybe empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": FILE_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        items = data if isinstance(data, list | tuple) else [data]
        return [f for f in (super(MultipleFileField, self).clean(d, initial) for d in items) if f]


FILE_TYPES = "image/jpeg,image/png,image/heic,image/heif,application/pdf"
CONTACT_CHOICES = (
    ("sms", _("可以发短信告诉我进展")),
    ("none", _("不要给我发短信")),
)


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("发生了什么？"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
        help_text=_("请写清楚是什么事、涉及谁、现在情况怎样，最多 4000 字。"),
        error_messages={
            "required": _("请写下发生了什么。"),
            "max_length": _("最多 4000 字。"),
        },
    )
    subcategory = forms.ChoiceField(label=_("事项类别（可不选）"), required=False)
    township = forms.ChoiceField(label=_("乡镇 / 街道"), required=False)
    community = forms.ChoiceField(label=_("村 / 社区"), required=False)
    address = forms.CharField(
        label=_("详细地址（可不填）"),
        max_length=200,
        required=False,
        help_text=_("如小区、门牌号。只有办理的工作人员能看到。"),
    )
    name = forms.CharField(label=_("您的称呼（可不填）"), max_length=64, required=False)
    phone = forms.CharField(
        label=_("联系电话（可不填）"),
        max_length=20,
        required=False,
        help_text=_("留下电话，工作人员才能联系您、回访您。"),
    )
    anonymous = forms.BooleanField(label=_("匿名反映（不留姓名和电话）"), required=False)
    reporter = forms.ChoiceField(
        label=_("您是"),
        choices=ReporterRelation.choices,
        initial=ReporterRelation.SELF,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("邻居、老师、亲属等知情人可以反映孩子受到的伤害，无需监护人同意。"),
    )
    minor_under_14 = forms.BooleanField(label=_("当事人未满14周岁"), required=False)
    guardian_consent = forms.BooleanField(
        label=_("我是孩子的监护人，或已征得监护人同意"), required=False
    )
    consent = forms.BooleanField(label=_("我已阅读并同意上述个人信息处理说明"), required=False)
    publish_consent = forms.BooleanField(
        label=_("同意在开放数据中公开事项描述（不含姓名、电话和详细地址）"), required=False
    )
    attachments = MultipleFileField(
        label=_("照片或文件（可不传）"),
        required=False,
        help_text=_("照片（JPEG、PNG、HEIC）或 PDF。照片里的拍摄地点等信息会被去除。"),
    )
    contact_channel = forms.ChoiceField(
        label=_("短信通知"),
        choices=CONTACT_CHOICES,
        initial="sms",
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "如果有人可能会看您的手机，请选择不发短信，或填写一个安全的时间段。"
            "涉及人身危险的事项，只有填写了安全时间段才会发短信。"
        ),
    )
    contact_from = forms.TimeField(
        label=_("安全时间从"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    contact_until = forms.TimeField(
        label=_("到"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    card = forms.CharField(required=False, widget=forms.HiddenInput, max_length=16)
    # Drawn when the form is shown: the same form sent twice makes one concern.
    once = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args: Any,
        townships: list[tuple[str, Any]],
        communities: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        pick = ("", _("请选择（不清楚可不选）"))
        cast(forms.ChoiceField, self.fields["subcategory"]).choices = subcategory_choices()
        cast(forms.ChoiceField, self.fields["township"]).choices = [pick, *townships]
        cast(forms.ChoiceField, self.fields["community"]).choices = [pick, *communities]

    def clean_text(self) -> str:
        text = _clean(self.cleaned_data.get("text", ""))
        if not text:
            raise forms.ValidationError(_("请写下发生了什么。"), code="required")
        return text

    def clean_address(self) -> str:
        return _clean(self.cleaned_data.get("address", ""))

    def clean_name(self) -> str:
        return _clean(self.cleaned_data.get("name", ""))

    def clean_phone(self) -> str:
        phone = _clean(self.cleaned_data.get("phone", ""))
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(
                _("请填写有效的电话号码，例如 13800000000。"), code="invalid"
            )
        return re.sub(r"[ \-]", "", phone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["reporter"] = data.get("reporter") or ReporterRelation.SELF
        if data.get("anonymous"):
            data["name"], data["phone"] = "", ""
        data["contact_channel"] = data.get("contact_channel") or "sms"
        start, end = data.get("contact_from"), data.get("contact_until")
        if (start is None) != (end is None) or (start is not None and start == end):
            self.add_error("contact_until", _("请填写安全时间段的开始和结束时间。"))
        return data


SOLVED_CHOICES = (("yes", _("已解决")), ("no", _("未解决")))


class RatingForm(forms.Form):
    solved = forms.ChoiceField(
        label=_("问题解决了吗？"),
        choices=SOLVED_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择是否解决。")},
    )
    satisfaction = forms.ChoiceField(
        label=_("您对办理是否满意？"),
        choices=(
            (Satisfaction.SATISFIED, _("满意")),
            (Satisfaction.BASIC, _("基本满意")),
            (Satisfaction.UNSATISFIED, _("不满意")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。")},
    )
    comment = forms.CharField(
        label=_("还想说的话（可不填）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )

    def clean_comment(self) -> str:
        return _clean(self.cleaned_data.get("comment", ""))


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=40)
