"""Console pages for ready answers, and the reply form's suggestions (htmx). Thin: parse,
load through an access helper, call one action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sanshi.answers import actions
from sanshi.answers.access import access_answer, answers_kept_by, may_approve, orgs_to_keep
from sanshi.answers.forms import AnswerForm
from sanshi.answers.models import AnswerState, ReadyAnswer
from sanshi.answers.selectors import suggestions_for
from sanshi.concerns.access import FULL, access_concern, visibility
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core.errors import NotAllowed, SanshiError, show_on_form
from sanshi.core.parsing import int_or_none


def _text(form: AnswerForm) -> actions.AnswerText:
    d = form.cleaned_data
    return actions.AnswerText(d["category"], d["kind"], d["title"], d["body"], d["public"])


@require_http_methods(["GET", "POST"])
@console_view
def answers_home(request: ConsoleRequest) -> HttpResponse:
    """Her orgs' answers, those waiting for approval first, and a form for a new one."""
    orgs = orgs_to_keep(request.user)
    if not orgs:
        raise NotAllowed(_("只有办理诉求的工作人员可以使用答复库。"))
    form = AnswerForm(request.POST or None, orgs=orgs)
    if request.method == "POST" and form.is_valid():
        try:
            answer = actions.propose_answer(form.chosen_org(), _text(form), actor=request.user)
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("答复已保存，等待另一人审核。"))
            return HttpResponseRedirect(reverse("answers:answer", args=[answer.pk]))
    order: dict[str, int] = {
        AnswerState.PROPOSED: 0,
        AnswerState.APPROVED: 1,
        AnswerState.RETIRED: 2,
    }
    rows = sorted(
        answers_kept_by(request.user).order_by("category", "title", "pk"),
        key=lambda a: order.get(a.state, 3),
    )
    status = 400 if form.is_bound and form.errors else 200
    return page(request, "answers/home.html", {"rows": rows, "form": form}, status)


@require_http_methods(["GET", "POST"])
@console_view
def answer(request: ConsoleRequest, pk: int) -> HttpResponse:
    """One answer: revise it (back to approval), approve it (another person), retire it."""
    found = access_answer(request.user, pk)
    form = AnswerForm(request.POST or None, orgs=[found.org], initial=_initial(found))
    if request.method == "POST" and form.is_valid():
        try:
            actions.revise_answer(found, _text(form), actor=request.user)
        except SanshiError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("已修改，需另一人重新审核。"))
            return HttpResponseRedirect(reverse("answers:answer", args=[found.pk]))
    status = 400 if form.is_bound and form.errors else 200
    return page(request, "answers/answer.html", _context(request, found, form), status)


def _initial(found: ReadyAnswer) -> dict[str, Any]:
    return {
        "org": found.org_id,
        "category": found.category,
        "kind": found.kind,
        "title": found.title,
        "body": found.body,
        "public": found.public,
    }


def _context(request: ConsoleRequest, found: ReadyAnswer, form: AnswerForm) -> dict[str, Any]:
    approver = may_approve(request.user, found.org)
    return {
        "answer": found,
        "form": form,
        "may_approve": approver
        and found.state == AnswerState.PROPOSED
        and found.written_by_id != request.user.pk,
        "own_proposal": found.state == AnswerState.PROPOSED
        and found.written_by_id == request.user.pk,
        "may_retire": approver and found.state != AnswerState.RETIRED,
    }


def _step(request: ConsoleRequest, pk: int, step: Any, done: str) -> HttpResponse:
    found = access_answer(request.user, pk)
    try:
        step(found, actor=request.user)
    except SanshiError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("answers:answer", args=[found.pk]))
    messages.success(request, done)
    return HttpResponseRedirect(reverse("answers:answer", args=[found.pk]))


@require_POST
@console_view
def approve(request: ConsoleRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.approve_answer, _("已审核通过。"))


@require_POST
@console_view
def retire(request: ConsoleRequest, pk: int) -> HttpResponse:
    return _step(request, pk, actions.retire_answer, _("已停用。"))


@require_GET
@console_view
def suggest(request: ConsoleRequest) -> HttpResponse:
    """Approved answers for the reply to one concern, by its category and the words typed."""
    concern_id = request.GET.get("concern", "")
    concern = access_concern(request.user, int_or_none(concern_id) or 0)
    if visibility(request.user, concern) != FULL:
        rows: list[ReadyAnswer] = []
    else:
        rows = suggestions_for(concern, request.GET.get("q", "")[:100])
    return page(request, "answers/partials/suggestions.html", {"rows": rows})
