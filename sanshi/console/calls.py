"""Taking a call or a visitor (issue 26): who may, the caller's history by phone, the form.

The history is found through the phone's blind index (no phone is stored in clear) and
limited to the concerns the staff member may open; the new concern goes in through intake's
one action, `take_in_concern`, like every other way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanshi.concerns import permissions as perm
from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.models import Channel, Concern, DangerCheck, Urgency
from sanshi.console.selectors import Viewer, with_full_flag
from sanshi.core.crypto import normalise_phone, phone_index
from sanshi.core.errors import NotAllowed
from sanshi.intake.take_in import ConcernIntake
from sanshi.orgs.models import Org

CALL_ROLES = perm.SUPERVISOR_ROLES | perm.PROTECTION_ROLES
HISTORY_LIMIT = 20
MAX_TEXT = 4000


def call_orgs(viewer: Viewer) -> list[Org]:
    """The orgs where she takes calls (dispatchers, chairs, staff, protection officers)."""
    seen: dict[int, Org] = {}
    for org in viewer.orgs_with(CALL_ROLES):
        seen.setdefault(org.pk, org)
    return list(seen.values())


def require_call_taker(viewer: Viewer) -> list[Org]:
    orgs = call_orgs(viewer)
    if not orgs:
        raise NotAllowed(gettext("只有派单员、主席和保护专员可以接听来电、接待来访。"))
    return orgs


@dataclass(frozen=True)
class PastConcern:
    concern: Concern
    danger: bool
    full: bool

    @property
    def received_at(self) -> datetime:
        return self.concern.received_at


@dataclass(frozen=True)
class CallerHistory:
    phone_given: bool
    rows: list[PastConcern]

    @property
    def any_danger(self) -> bool:
        return any(r.danger for r in self.rows)


def was_danger(concern: Concern) -> bool:
    """Danger by triage or by a person (critical), or confirmed at the check."""
    return concern.urgency == Urgency.CRITICAL or concern.danger_check == DangerCheck.CONFIRMED


def caller_history(viewer: Viewer, phone: str) -> CallerHistory:
    """The caller's earlier concerns that this staff member may open, newest first (two queries:
    the roles are on the viewer)."""
    digits = normalise_phone(phone)
    if len(digits) < 5:
        return CallerHistory(phone_given=False, rows=[])
    visible = concerns_visible_to(viewer.user).filter(reporter_phone_index=phone_index(digits))
    found = with_full_flag(visible, viewer).order_by("-received_at", "-pk")[:HISTORY_LIMIT]
    rows = [PastConcern(c, was_danger(c), bool(getattr(c, "full", False))) for c in found]
    return CallerHistory(phone_given=True, rows=rows)


class CallForm(forms.Form):
    phone = forms.CharField(
        label=_("来电号码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(
        label=_("方式"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WALK_IN, Channel.WALK_IN.label)],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("来电人说了什么"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": MAX_TEXT}),
        error_messages={"required": _("请记下来电人说了什么。")},
    )
    address = forms.CharField(
        label=_("地址"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "call-places", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("称呼"), max_length=64, required=False)
    consent = forms.BooleanField(
        label=_("来电人同意记录并转给经办人"),
        required=False,
        help_text=_("不同意时，只有危及生命安全的情况才能记录。"),
    )
    org = forms.ChoiceField(label=_("受理单位"), required=False)

    def __init__(self, *args: Any, orgs: list[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["org"]
        field.choices = [(o.pk, o.name) for o in orgs]
        self.orgs = {str(o.pk): o for o in orgs}

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and not 5 <= len(normalise_phone(phone)) <= 15:
            raise forms.ValidationError(_("电话号码应为 5 到 15 位数字。"))
        return phone

    def chosen_org(self) -> Org:
        return self.orgs.get(
            str(self.cleaned_data.get("org") or ""), next(iter(self.orgs.values()))
        )


def call_intake(form: CallForm, *, who: str) -> ConcernIntake:
    """The intake a call or a visit makes: received at her org (the first receiver is
    responsible); triage fills in what, how urgent and where."""
    data = form.cleaned_data
    return ConcernIntake(
        text=data["text"],
        channel=data["channel"],
        address=data["address"],
        org=form.chosen_org(),
        reporter_name=data["name"],
        reporter_phone=data["phone"],
        anonymous=not data["name"] and not data["phone"],
        legal_basis=None,
        consent=data["consent"],
        source_client=who,
    )


def places_for(orgs: list[Org]) -> list[str]:
    """Address suggestions: the communities and townships under her orgs (at most 300)."""
    levels = (Org.Level.TOWNSHIP, Org.Level.COMMUNITY)
    names: list[str] = []
    for org in orgs:
        under = Org.objects.filter(path__startswith=org.path, level__in=levels).order_by("path")
        names.extend(under.values_list("name", flat=True)[:300])
    # "北部湾社区妇联" → "北部湾社区": the place, not the federation.
    return list(dict.fromkeys(n.removesuffix("妇联") for n in names))[:300]
