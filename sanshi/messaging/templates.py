"""The texts sent to residents, in Chinese and English, with and without the federation's name.

A message about a danger or protected concern uses the discreet text: no organisation, no
subject, no link, only the tracking code (someone else may read the phone). Providers that
need templates registered in advance (Aliyun, Tencent Cloud) register these same texts and map
each id and language to their template code (docs/messaging.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

RECEIPT, REPLY, RATING = "receipt", "reply", "rating"
LANGUAGES = ("zh-hans", "en")

TEXTS: dict[str, dict[str, str]] = {
    "receipt": {
        "zh-hans": "您反映的事项已受理，查询码{code}。查看进度：{link}",
        "en": "We have received your report. Tracking code {code}. Progress: {link}",
    },
    "reply": {
        "zh-hans": "您反映的事项（查询码{code}）已有答复，请查看：{link}",
        "en": "There is an answer to your report {code}: {link}",
    },
    "rating": {
        "zh-hans": "您反映的事项（查询码{code}）已办理，请对办理结果评价：{link}",
        "en": "Your report {code} has been handled. Please tell us how we did: {link}",
    },
    "receipt_discreet": {
        "zh-hans": "您的预约已登记，编号{code}。",
        "en": "Your appointment is booked, number {code}.",
    },
    "reply_discreet": {
        "zh-hans": "您的预约（编号{code}）有新消息。",
        "en": "There is news about your appointment {code}.",
    },
    "rating_discreet": {
        "zh-hans": "您的预约（编号{code}）已完成。",
        "en": "Your appointment {code} is complete.",
    },
}


@dataclass(frozen=True)
class Message:
    """One message ready for a provider: the template id and language, its parameters, and
    the text they make (for backends that send text, and for the console)."""

    template: str
    language: str
    params: dict[str, str]

    @property
    def text(self) -> str:
        return TEXTS[self.template][self.language].format(**self.params)


def template_for(kind: str, *, discreet: bool) -> str:
    return f"{kind}_discreet" if discreet else kind


def language_of(code: str) -> str:
    """zh-hans unless the resident used the English pages."""
    return "en" if code.lower().startswith("en") else "zh-hans"


def tracking_link(code: str) -> str:
    """The tracking page, where the resident also stops messages."""
    base = str(getattr(settings, "SANSHI_BASE_URL", "")).rstrip("/")
    return base + reverse("intake-track", args=[code])
