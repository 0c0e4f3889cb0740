"""Searching the concerns a user may see, and exporting a result to Excel with data masked."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from sanshi.concerns.access import concerns_visible_to
from sanshi.concerns.models import Assignment, Concern
from sanshi.concerns.search import text_matches
from sanshi.concerns.taxonomy import name_of
from sanshi.concerns.tracking import normalise_tracking_code
from sanshi.console.selectors import Viewer, active_handlers, with_full_flag
from sanshi.core.crypto import mask_address, mask_name, mask_phone
from sanshi.core.spreadsheet import append_row
from sanshi.orgs.models import Org

EXPORT_LIMIT = 5000


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search_concerns(
    viewer: Viewer, params: dict[str, Any], orgs: dict[int, Org]
) -> QuerySet[Concern]:
    """The visible concerns matching cleaned search params, newest first.

    Protected concerns are found by their tracking code only.
    """
    qs = concerns_visible_to(viewer.user)
    q = (params.get("q") or "").strip()
    if q:
        code = normalise_tracking_code(q)
        by_code = Q(tracking_code=code) if code else Q(pk__in=[])
        # The text is sealed at rest; search_text holds keyed hashes of its words, only for
        # concerns that are not protected (sanshi.concerns.search).
        qs = qs.filter(by_code | text_matches(q))
    if params.get("category"):
        qs = qs.filter(category=params["category"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    org_id = params.get("org")
    if org_id is not None and org_id in orgs:
        qs = qs.filter(org__path__startswith=orgs[org_id].path)
    if params.get("start"):
        qs = qs.filter(received_at__gte=_day_start(params["start"]))
    if params.get("end"):
        qs = qs.filter(received_at__lt=_day_start(params["end"] + dt.timedelta(days=1)))
    handler = (params.get("handler") or "").strip()
    if handler:
        by_handler = Assignment.objects.filter(person__name__icontains=handler, active=True)
        qs = qs.filter(pk__in=by_handler.values("concern_id"))
    return with_full_flag(qs, viewer).order_by("-received_at", "-pk")


HEADERS = [
    _("查询码"),
    _("受理时间"),
    _("三事"),
    _("分类"),
    _("细类"),
    _("紧急程度"),
    _("状态"),
    _("承办组织"),
    _("经办人"),
    _("居民姓名"),
    _("联系电话"),
    _("地址"),
    _("诉求内容"),
]


def _row(c: Any, handlers: list[Assignment]) -> list[Any]:
    full = bool(getattr(c, "full", False))
    local = timezone.localtime(c.received_at).replace(tzinfo=None)
    return [
        c.tracking_code,
        local,
        c.get_sanshi_display(),
        name_of(c.category) if c.category else "",
        name_of(c.subcategory) if c.subcategory else "",
        c.get_urgency_display(),
        c.get_status_display(),
        c.org.name,
        gettext("、").join(a.person.name for a in handlers),
        mask_name(c.reporter_name) if full else "",
        mask_phone(c.reporter_phone) if full else "",
        mask_address(c.address) if full else "",
        c.text
        if full and not c.protected
        else gettext("（受保护，不导出）")
        if c.protected
        else "",
    ]


def export_workbook(concerns: Iterable[Concern]) -> bytes:
    """An .xlsx of the list: names, phones and addresses masked, protected text left out."""
    rows = list(concerns)[:EXPORT_LIMIT]
    handlers = active_handlers(rows)
    wb = Workbook()
    ws = wb.create_sheet(gettext("诉求"), 0)
    wb.remove(wb.worksheets[1])  # the empty default sheet
    append_row(ws, [str(h) for h in HEADERS])
    for c in rows:
        # Every string a text cell: a resident's "=HYPERLINK(…)" stays words (core.spreadsheet).
        append_row(ws, _row(c, handlers[c.pk]))
    for i, width in enumerate([12, 18, 8, 14, 22, 10, 8, 18, 14, 10, 14, 18, 60], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
