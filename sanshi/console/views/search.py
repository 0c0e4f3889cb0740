"""Search by tracking code, text, category, status, org, date and handler; saved filters; export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanshi.audit.actions import audit_export
from sanshi.concerns.models import Concern
from sanshi.console.forms import SavedFilterForm, SearchForm
from sanshi.console.models import SavedFilter
from sanshi.console.search import export_workbook, search_concerns
from sanshi.console.selectors import active_handlers, visible_orgs
from sanshi.console.steps import org_choices
from sanshi.console.views.common import ConsoleRequest, console_view, page
from sanshi.core import clock, keyset
from sanshi.core.errors import InvalidInput, NotFound
from sanshi.core.replica import replica_reads
from sanshi.orgs.models import Org

PAGE_SIZE = 50
# Newest first; the primary key breaks ties, so every row has one place in the walk.
ORDER = ("-received_at", "-pk")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _search(
    request: ConsoleRequest,
) -> tuple[SearchForm, QuerySet[Concern] | None, dict[int, Org]]:
    orgs = visible_orgs(request.viewer)
    form = SearchForm(request.GET or None, orgs=org_choices(list(orgs.values())))
    if not form.is_bound:
        return form, None, orgs
    if not form.is_valid():
        raise InvalidInput(_("请检查查询条件"), fields={k: str(v) for k, v in form.errors.items()})
    results = search_concerns(request.viewer, form.cleaned_data, orgs).select_related("org")
    return form, results, orgs


@require_GET
@console_view
def search(request: ConsoleRequest) -> HttpResponse:
    form, results, _orgs = _search(request)
    context: dict[str, object] = {
        "form": form,
        "saved": list(SavedFilter.objects.filter(user_id=request.viewer.user_id)),
    }
    if results is not None:
        # The results may lag a second behind (a replica); her saved filters may not.
        # Keyset pages (no OFFSET, no exact count): a page far back costs what the first does,
        # and concerns that arrive between two pages neither push rows over nor repeat them.
        cursor = request.GET.get("cursor", "")[: keyset.CURSOR_MAX_LENGTH]
        with replica_reads():
            rows, next_cursor = keyset.page(
                results, ORDER, cursor, PAGE_SIZE, scope="console.search"
            )
            handlers = active_handlers(rows)
        context |= {
            "rows": rows,
            "handlers": handlers,
            "next_cursor": next_cursor,
            "paged": bool(cursor),
            "query_no_page": _without_page(request),
        }
    return page(request, "console/search.html", context)


def _without_page(request: ConsoleRequest) -> str:
    params = request.GET.copy()
    params.pop("cursor", None)
    return params.urlencode()


@require_GET
@console_view
def export(request: ConsoleRequest) -> HttpResponse:
    """The current list as an .xlsx file, personal data masked."""
    _form, results, _orgs = _search(request)
    if results is None:
        raise InvalidInput(_("先查询，再导出"))
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
    with replica_reads():
        workbook = export_workbook(results)
        count = len(results)
    if isinstance(request.user, User):
        filters = {k: v for k, v in request.GET.items() if k != "csrfmiddlewaretoken"}
        audit_export(request.user, "console.search", rows=count, filters=filters)
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="sanshi-{stamp}.xlsx"'
    return response


@require_POST
@console_view
def save_filter(request: ConsoleRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(_("请给筛选条件起个名字"), fields={"name": "required"})
    name, query = form.cleaned_data["name"].strip(), form.cleaned_data["query"]
    try:
        with transaction.atomic():
            SavedFilter.objects.create(
                user_id=request.viewer.user_id, name=name, query=query, created_at=clock.now()
            )
    except IntegrityError:
        SavedFilter.objects.filter(user_id=request.viewer.user_id, name=name).update(query=query)
    messages.success(request, _("已保存筛选：%(name)s") % {"name": name})
    return HttpResponseRedirect(reverse("console:search") + "?" + query, status=303)


@require_POST
@console_view
def delete_filter(request: ConsoleRequest, pk: int) -> HttpResponse:
    deleted, _rows = SavedFilter.objects.filter(pk=pk, user_id=request.viewer.user_id).delete()
    if not deleted:
        raise NotFound("no such saved filter")
    return HttpResponseRedirect(reverse("console:search"), status=303)
