"""The one-time code form."""

from __future__ import annotations

import re

from django import forms

CODE = re.compile(r"^\d{6}$")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not CODE.match(code):
            raise forms.ValidationError("请输入 6 位数字验证码。")
        return code
