"""The one-time code forms: a code from the authenticator app, or a backup code."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanshi.accounts.models import BACKUP_CODE, normalise_backup_code

CODE = re.compile(r"^\d{6}$")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not CODE.match(code):
            raise forms.ValidationError(_("请输入 6 位数字验证码。"))
        return code


class BackupCodeForm(forms.Form):
    """A backup code as printed ("abcd-efgh"); case, spaces and dashes do not matter."""

    backup_code = forms.CharField(
        label=pgettext_lazy("one code", "备用码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "aria-describedby": "backup-code-help",
            }
        ),
    )

    def clean_backup_code(self) -> str:
        code = normalise_backup_code(self.cleaned_data["backup_code"])
        if not BACKUP_CODE.match(code):
            raise forms.ValidationError(_("备用码是 8 个字母或数字，形如 abcd-efgh。"))
        return code
