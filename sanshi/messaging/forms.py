"""Staff's record of the resident's safe way and time: parsing and field checks only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from sanshi.messaging.models import SafeChannel


class SafeContactForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("短信"), choices=SafeChannel.choices)
    window_start = forms.TimeField(
        label=gettext_lazy("安全时间从"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    window_end = forms.TimeField(
        label=gettext_lazy("到"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
