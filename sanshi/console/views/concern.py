"""The concern page: facts, highlighted text, route, SLA clocks, timeline, and the allowed steps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sanshi.concerns import actions
from sanshi.concerns.access import FULL, STUB, access_concern, visibility
from sanshi.concerns.models import Concern, ConcernEvent, DangerCheck, EventKind, LegalStep, Urgency
from sanshi.concerns.permissions import allowed_actions, may_break_glass
from sanshi.console import forms as f
from sanshi.console import presenters
from sanshi.console.selectors import active_handlers
from sanshi.console.steps import NEEDS, STEPS
from sanshi.console.suggestions import likely_duplicates
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core import clock
from sanshi.core.crypto import mask_address, mask_name, mask_phone
from sanshi.core.errors import InvalidInput, NotAllowed, NotFound, SanshiError

# Violence and child-protection concerns carry the legal steps of the Anti-Domestic Violence
# Law and the Minors Protection Law.
LEGAL_CATEGORIES = frozenset({"safety"})
LEGAL_SUBCATEGORIES = frozenset({"children.abuse", "children.neglect_missing"})


def is_legal_case(concern: Concern) -> bool:
    """Violence or child protection by its class, or danger whatever its class (a beating
    classed 婚姻家庭 still needs its protection order)."""
    return (
        concern.category in LEGAL_CATEGORIES
        or concern.subcategory in LEGAL_SUBCATEGORIES
        or concern.urgency == Urgency.CRITICAL
    )


def _timeline(concern: Concern) -> list[ConcernEvent]:
    return list(
        ConcernEvent.objects.filter(concern=concern)
        .select_related("actor__person", "org")
        .order_by("at", "pk")
    )


def _context(
    request: ConsoleRequest,
    concern: Concern,
    *,
    failed: str = "",
    failed_form: forms.Form | None = None,
    error: SanshiError | None = None,
    revealed: dict[str, str] | None = None,
) -> dict[str, Any]:
    viewer = request.viewer
    allowed = allowed_actions(request.user, concern)
    steps = []
    for name, step in STEPS.items():
        if NEEDS.get(name, name) not in allowed or name.startswith("legal_step"):
            continue
        form = (
            failed_form
            if name == failed and failed_form is not None
            else step.form(concern, viewer, None)
        )
        form.auto_id = f"{name}-%s"  # one page, many forms: every field's id its own
        steps.append({"step": step, "form": form, "open": name == failed})
    level = visibility(request.user, concern)
    full = level == FULL
    contact = _contact(concern, revealed or {}) if full else []
    legal = is_legal_case(concern) or concern.legal_steps.exists()
    return {
        "concern": concern,
        "full": full,
        "may_break_glass": level == STUB and may_break_glass(request.user, concern),
        "contact": contact,
        "text": presenters.highlighted_text(concern) if full else "",
        "danger_flags": presenters.danger_flags(concern.triage),
        "check_event": _check_event(concern),
        "route": presenters.route_steps(concern.triage),
        "route_ambiguous": presenters.route_ambiguous(concern.triage),
        "clocks": presenters.sla_clocks(concern, clock.now()),
        "timeline": _timeline(concern),
        "handlers": active_handlers([concern])[concern.pk],
        "steps": steps,
        "allowed": allowed,
        "legal": legal,
        "legal_steps": list(concern.legal_steps.all()) if legal else [],
        "legal_forms": _legal_forms(failed_form if failed == "legal_step" else None)
        if legal and "legal_step" in allowed
        else [],
        "error": error,
    }


def _legal_forms(failed: Any) -> list[dict[str, Any]]:
    """Each legal step's form, titled with its step and its law; a refused one with its errors."""
    failed_step = failed.data.get("step") if failed is not None and failed.is_bound else None
    forms_shown = []
    for step, form_class in f.LEGAL_FORMS.items():
        again = failed_step == step
        form = failed if again else form_class(None)
        form.auto_id = f"{step}-%s"
        forms_shown.append(
            {
                "step": step,
                "label": LegalStep.Step(step).label,
                "law": f.LEGAL_LAWS[step],
                "form": form,
                "open": again,
            }
        )
    return forms_shown


def _check_event(concern: Concern) -> ConcernEvent | None:
    """Who settled the check for danger, when and why (None while pending or never asked)."""
    if concern.danger_check not in (DangerCheck.CONFIRMED, DangerCheck.CLEARED):
        return None
    kinds = (EventKind.DANGER_CONFIRMED, EventKind.DANGER_CLEARED)
    return (
        ConcernEvent.objects.filter(concern=concern, kind__in=kinds)
        .select_related("actor__person")
        .order_by("-at", "-pk")
        .first()
    )


@require_GET
@console_view
def concern_page(request: ConsoleRequest, pk: int) -> HttpResponse:
    concern = access_concern(request.user, pk)
    return page(request, "console/concern.html", _context(request, concern))


@require_GET
@console_view
def concern_duplicates(request: ConsoleRequest, pk: int) -> HttpResponse:
    """Likely duplicates, loaded after the page (the similarity search takes a moment)."""
    concern = access_concern(request.user, pk)
    found = likely_duplicates(concern, request.viewer)
    may_merge = "merge" in allowed_actions(request.user, concern)
    return page(
        request,
        "console/partials/duplicates.html",
        {"concern": concern, "duplicates": found, "may_merge": may_merge},
    )


@require_POST
@console_view
def concern_act(request: ConsoleRequest, pk: int, name: str) -> HttpResponse:
    """Take one step; errors re-render the page with the form and the status they mean."""
    concern = access_concern(request.user, pk)
    step = STEPS.get(name)
    if step is None:
        raise Http404("no such step")
    form: forms.Form | None = None
    try:
        form = step.form(concern, request.viewer, request.POST)
        if not form.is_valid():
            if NEEDS.get(name, name) not in allowed_actions(request.user, concern):
                raise NotAllowed(_("你现在不能对这件诉求进行此操作"))
            raise InvalidInput(
                _("请检查填写的内容"), fields={k: str(v) for k, v in form.errors.items()}
            )
        step.run(concern, request.viewer, form.cleaned_data)
    except SanshiError as exc:
        concern.refresh_from_db()
        context = _context(request, concern, failed=name, failed_form=form, error=exc)
        return page(request, "console/concern.html", context, status=exc.status)
    messages.success(request, _("已完成：%(step)s") % {"step": step.label})
    return HttpResponseRedirect(reverse("console:concern", args=[pk]), status=303)


CONTACT_FIELDS = {
    "reporter_name": (gettext_lazy("姓名"), mask_name),
    "reporter_phone": (gettext_lazy("电话"), mask_phone),
    "address": (gettext_lazy("地址"), mask_address),
}


def _contact(concern: Concern, revealed: dict[str, str]) -> list[dict[str, Any]]:
    """The reporter's details, masked (138****1234) unless just revealed."""
    rows: list[dict[str, Any]] = []
    for field, (label, mask) in CONTACT_FIELDS.items():
        value = getattr(concern, field)
        if not value:
            continue
        shown = revealed.get(field)
        rows.append(
            {"field": field, "label": label, "shown": shown or mask(value), "masked": shown is None}
        )
    return rows


@require_POST
@console_view
def reveal(request: ConsoleRequest, pk: int, field: str) -> HttpResponse:
    """Show one personal field unmasked, once; the reveal is written to the audit chain."""
    concern = access_concern(request.user, pk)
    if field not in CONTACT_FIELDS:
        raise NotFound("no such field")
    value = actions.reveal_contact(concern, actor=request.user, field=field)
    return page(
        request, "console/concern.html", _context(request, concern, revealed={field: value})
    )


@require_POST
@console_view
def break_glass(request: ConsoleRequest, pk: int) -> HttpResponse:
    """Open a protected concern for an hour, with a reason (audited; the chair is told)."""
    concern = access_concern(request.user, pk)
    if not isinstance(request.user, User):
        raise NotAllowed("sign in first")
    actions.break_glass(concern, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("已紧急调阅，一小时内有效；此次调阅已记录并通知主席。"))
    return HttpResponseRedirect(reverse("console:concern", args=[concern.pk]), status=303)
