"""Staff pages for files: add files to a concern, open a file or its thumbnail."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanshi.attachments.access import access_attachment, access_concern_in_full, read_bytes
from sanshi.attachments.actions import attach_files
from sanshi.attachments.models import Source
from sanshi.attachments.sanitise import clean_uploads
from sanshi.audit.actions import record_audit
from sanshi.console.views.common import ConsoleRequest, console_view
from sanshi.core.errors import InvalidInput


@require_POST
@console_view
def upload(request: ConsoleRequest, pk: int) -> HttpResponse:
    """Attach the chosen files to the concern; a refused file keeps all of them out."""
    concern = access_concern_in_full(request.user, pk)
    files = request.FILES.getlist("files")
    back = reverse("console:concern", args=[concern.pk]) + "#attachments"
    if not files:
        messages.error(request, _("请选择要上传的文件。"))
        return HttpResponseRedirect(back)
    try:
        cleaned = clean_uploads(files)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    attach_files(concern, cleaned, actor=request.user, source=Source.STAFF)
    messages.success(request, _("已上传 %(n)d 个文件。") % {"n": len(cleaned)})
    return HttpResponseRedirect(back)


def _file_response(data: bytes, content_type: str, disposition: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@console_view
def download(request: ConsoleRequest, pk: int, attachment_id: int) -> HttpResponse:
    """The file itself (images shown, PDFs saved); every opening is in the audit chain."""
    attachment = access_attachment(request.user, pk, attachment_id)
    data = read_bytes(attachment)
    record_audit(
        request.user,
        "attachment.read",
        "concern",
        attachment.concern_id,
        {"attachment": attachment.pk},
    )
    name = f"{attachment.concern.tracking_code}-{attachment.pk}.{attachment.content_type.split('/')[-1]}"
    kind = "inline" if attachment.is_image else "attachment"
    return _file_response(data, attachment.content_type, f'{kind}; filename="{name}"')


@require_GET
@console_view
def thumbnail(request: ConsoleRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = access_attachment(request.user, pk, attachment_id)
    return _file_response(read_bytes(attachment, "thumbnail"), "image/jpeg", "inline")
