"""The console's lifecycle steps: for each action name, its form and the one action it calls.

The names are those of `permissions.allowed_actions`, so the page shows exactly the steps the
state and the user's roles allow; the actions check the same rules again when called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext, pgettext_lazy

from sanshi.concerns import actions
from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.models import Concern, LegalStep
from sanshi.concerns.permissions import SUPERVISOR_ROLES
from sanshi.console import forms as f
from sanshi.console.selectors import Viewer
from sanshi.core import clock
from sanshi.core.errors import InvalidInput, NotFound
from sanshi.orgs.models import Org, Person
from sanshi.orgs.selectors import active_memberships

Data = QueryDict | None
FormFactory = Callable[[Concern, Viewer, Data], forms.Form]
Runner = Callable[[Concern, Viewer, dict[str, Any]], Any]


@dataclass(frozen=True)
class Step:
    name: str
    label: Any
    form: FormFactory
    run: Runner
    primary: bool = False


def dispatch_targets(viewer: Viewer) -> list[Org]:
    """Orgs the viewer may dispatch to: those she supervises and everything below them."""
    paths = [o.path for o in viewer.orgs_with(SUPERVISOR_ROLES)]
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Org.objects.filter(condition).order_by("path"))


def org_choices(orgs: list[Org]) -> list[tuple[int, str]]:
    return [(o.pk, f"{'　' * o.depth}{o.name}") for o in orgs]


def people_in(org_ids: list[int]) -> list[Person]:
    """People holding a role today in any of these orgs (one query)."""
    day = clock.now().date()
    return list(
        Person.objects.filter(
            Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=day),
            memberships__org_id__in=org_ids,
            memberships__term_start__lte=day,
        )
        .distinct()
        .order_by("name")
    )


def _person_in_org(person_id: int | None, org: Org) -> Person | None:
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not active_memberships(person).filter(org=org).exists():
        raise InvalidInput(gettext("所选人员不在该组织"), fields={"handler": str(person_id)})
    return person


# ---------------------------------------------------------------- runners


def _dispatch_form(concern: Concern, viewer: Viewer, data: Data) -> forms.Form:
    orgs = dispatch_targets(viewer)
    people = people_in([o.pk for o in orgs]) if data is not None else []
    return f.DispatchForm(data, orgs=org_choices(orgs), people=[(p.pk, p.name) for p in people])


def _dispatch(concern: Concern, viewer: Viewer, d: dict[str, Any]) -> None:
    org = Org.objects.get(pk=d["org"])  # a valid choice, so it exists
    handler = _person_in_org(d.get("handler"), org)
    actions.dispatch_concern(
        concern,
        org,
        actor=viewer.user,
        note=d.get("note", ""),
        handlers=[handler] if handler else [],
    )


def _assign_form(concern: Concern, viewer: Viewer, data: Data) -> forms.Form:
    people = people_in([concern.org_id])
    return f.AssignForm(data, people=[(p.pk, p.name) for p in people])


def _assign(concern: Concern, viewer: Viewer, d: dict[str, Any]) -> None:
    person = Person.objects.get(pk=d["person"])
    actions.assign_handler(concern, person, actor=viewer.user, role=d["role"])


def _merge(concern: Concern, viewer: Viewer, d: dict[str, Any]) -> None:
    into = concerns_visible_to(viewer.user).filter(tracking_code=d["into"]).first()
    if into is None:
        raise InvalidInput(gettext("没有这个查询码的诉求"), fields={"into": d["into"]})
    actions.merge_concern(concern, into=into, actor=viewer.user, note=d.get("note", ""))


def _escalate(concern: Concern, viewer: Viewer, d: dict[str, Any]) -> None:
    if d["target"] == "parent":
        parent = concern.org.parent
        if parent is None:
            raise InvalidInput(gettext("已是最高一级，没有上级妇联"), fields={"target": "parent"})
        actions.escalate_concern(concern, actor=viewer.user, reason=d["reason"], to_org=parent)
    else:
        actions.escalate_concern(
            concern, actor=viewer.user, reason=d["reason"], department=d.get("department", "")
        )


def _legal_form(concern: Concern, viewer: Viewer, data: Data) -> forms.Form:
    step = data.get("step", "") if data is not None else ""
    form_class = f.LEGAL_FORMS.get(step)
    if form_class is None:
        raise InvalidInput(gettext("未知的法定程序"), fields={"step": step})
    return form_class(data)


def _legal_details(d: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for key, value in d.items():
        if key == "step" or value in ("", None):
            continue
        details[key] = value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
    return details


def _legal_step(concern: Concern, viewer: Viewer, d: dict[str, Any]) -> None:
    actions.record_legal_step(concern, actor=viewer.user, step=d["step"], details=_legal_details(d))


def _legal_done(concern: Concern, viewer: Viewer, d: dict[str, Any]) -> None:
    legal = LegalStep.objects.filter(concern=concern, pk=d["legal_step"]).first()
    if legal is None:
        raise NotFound("no such legal step")
    actions.complete_legal_step(legal, actor=viewer.user, outcome=d["outcome"])


def _plain(form_class: type[forms.Form]) -> FormFactory:
    return lambda concern, viewer, data: form_class(data)


def _contact_form(concern: Concern, viewer: Viewer, data: Data) -> forms.Form:
    return f.SafeContactForm(data) if concern.protected else f.ContactForm(data)


STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        Step(
            "check_danger",
            pgettext_lazy("action", "核查危险信号"),
            _plain(f.DangerCheckForm),
            lambda c, v, d: actions.check_danger(
                c, confirmed=d["decision"] == "confirm", reason=d["reason"], actor=v.user
            ),
            primary=True,
        ),
        Step(
            "take",
            pgettext_lazy("action", "接手（本人办理）"),
            _plain(f.EmptyForm),
            lambda c, v, d: actions.take_concern(c, actor=v.user),
            primary=True,
        ),
        Step("dispatch", pgettext_lazy("action", "派单"), _dispatch_form, _dispatch, primary=True),
        Step(
            "sign",
            pgettext_lazy("action", "签收"),
            _plain(f.EmptyForm),
            lambda c, v, d: actions.sign_concern(c, actor=v.user),
            primary=True,
        ),
        Step(
            "return",
            pgettext_lazy("action", "退单"),
            _plain(f.ReasonForm),
            lambda c, v, d: actions.return_concern(c, actor=v.user, reason=d["reason"]),
        ),
        Step(
            "contact",
            pgettext_lazy("action", "联系居民 / 入户走访"),
            _contact_form,
            lambda c, v, d: actions.log_contact(
                c, actor=v.user, method=d["method"], outcome=d["outcome"]
            ),
            primary=True,
        ),
        Step(
            "refer",
            pgettext_lazy("action", "转介"),
            _plain(f.ReferForm),
            lambda c, v, d: actions.refer_concern(
                c,
                actor=v.user,
                body=d["body"],
                reference=d["reference"],
                follow_up_on=d["follow_up_on"],
                note=d["note"],
            ),
        ),
        Step(
            "reply",
            pgettext_lazy("action", "答复"),
            _plain(f.ReplyForm),
            lambda c, v, d: actions.reply_concern(c, actor=v.user, reply=d["reply"]),
            primary=True,
        ),
        Step(
            "request_extension",
            pgettext_lazy("action", "申请延期"),
            _plain(f.ExtensionRequestForm),
            lambda c, v, d: actions.request_extension(
                c, actor=v.user, until=d["until"], reason=d["reason"]
            ),
        ),
        Step(
            "decide_extension",
            pgettext_lazy("action", "审批延期"),
            _plain(f.ExtensionDecisionForm),
            lambda c, v, d: actions.decide_extension(
                c, actor=v.user, approve=d["decision"] == "approve", note=d["note"]
            ),
            primary=True,
        ),
        Step(
            "follow_up",
            pgettext_lazy("action", "录入回访"),
            _plain(f.FollowUpForm),
            lambda c, v, d: actions.record_follow_up(
                c,
                actor=v.user,
                solved=d["solved"] == "yes",
                satisfaction=d["satisfaction"],
                comment=d["comment"],
                method=d["method"],
            ),
            primary=True,
        ),
        Step(
            "close",
            pgettext_lazy("action", "直接办结"),
            _plain(f.ReasonForm),
            lambda c, v, d: actions.close_concern(c, actor=v.user, reason=d["reason"]),
        ),
        Step("merge", pgettext_lazy("action", "并案"), _plain(f.MergeForm), _merge),
        Step(
            "escalate", pgettext_lazy("action", "吹哨（上报）"), _plain(f.EscalateForm), _escalate
        ),
        Step(
            "escalation_response",
            pgettext_lazy("action", "录入报到回应"),
            _plain(f.EscalationResponseForm),
            lambda c, v, d: actions.record_escalation_response(
                c, actor=v.user, response=d["response"], rating=d["rating"]
            ),
        ),
        Step(
            "note",
            pgettext_lazy("action", "备注"),
            _plain(f.NoteForm),
            lambda c, v, d: actions.add_note(c, actor=v.user, note=d["note"]),
        ),
        Step("assign", pgettext_lazy("action", "增加经办人"), _assign_form, _assign),
        Step(
            "reclassify",
            pgettext_lazy("action", "更正分类"),
            _plain(f.ReclassifyForm),
            lambda c, v, d: actions.reclassify_concern(
                c, actor=v.user, category="", subcategory=d["subcategory"], reason=d["reason"]
            ),
        ),
        Step(
            "change_urgency",
            pgettext_lazy("action", "调整紧急程度"),
            _plain(f.UrgencyForm),
            lambda c, v, d: actions.change_urgency(
                c, actor=v.user, urgency=d["urgency"], reason=d["reason"]
            ),
        ),
        Step(
            "unprotect",
            pgettext_lazy("action", "取消保护"),
            _plain(f.ReasonForm),
            lambda c, v, d: actions.unprotect_concern(c, actor=v.user, reason=d["reason"]),
        ),
        Step("legal_step", pgettext_lazy("action", "法定程序"), _legal_form, _legal_step),
        Step(
            "legal_step_done",
            pgettext_lazy("action", "法定程序结果"),
            _plain(f.LegalDoneForm),
            _legal_done,
        ),
    ]
}

# Which allowed action a console step needs (completing a legal step needs "legal_step").
NEEDS = {"legal_step_done": "legal_step"}
