"""The JSON API for files: a client adds files to a concern, lists and reads them
(mounted at /api/v1/concerns; only for callers who see the concern in full)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from sanshi.api.endpoints.common import READ_ERRORS, WRITE_ERRORS, caller, responses
from sanshi.attachments.access import (
    access_attachment,
    access_concern_in_full,
    attachments_shown_to,
    read_bytes,
)
from sanshi.attachments.actions import attach_files
from sanshi.attachments.models import Attachment, Source
from sanshi.attachments.sanitise import clean_uploads
from sanshi.audit.actions import record_audit

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    content_type: str
    size: int
    width: int
    height: int
    source: str
    created_at: dt.datetime


def _out(a: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=a.pk,
        content_type=a.content_type,
        size=a.size,
        width=a.width,
        height=a.height,
        source=a.source,
        created_at=a.created_at,
    )


@router.post(
    "/{int:concern_id}/attachments",
    response=responses({201: list[AttachmentOut]}, WRITE_ERRORS),
    summary="Attach photos or PDFs",
)
def add_attachments(request: HttpRequest, concern_id: int, files: File[list[UploadedFile]]) -> Any:
    """multipart/form-data, field `files` (repeat it): JPEG, PNG, HEIC or PDF, checked by
    content; EXIF and GPS removed. One refused file refuses them all (400)."""
    user = caller(request)
    concern = access_concern_in_full(user, concern_id)
    rows = attach_files(concern, clean_uploads(list(files)), actor=user, source=Source.API)
    return Status(201, [_out(a) for a in rows])


@router.get(
    "/{int:concern_id}/attachments",
    response=responses({200: list[AttachmentOut]}, READ_ERRORS),
    summary="List a concern's files",
)
def list_attachments(request: HttpRequest, concern_id: int) -> Any:
    user = caller(request)
    concern = access_concern_in_full(user, concern_id)
    return [_out(a) for a in attachments_shown_to(user, concern)]


@router.get(
    "/{int:concern_id}/attachments/{int:attachment_id}",
    response=responses({200: None}, READ_ERRORS),
    summary="Read one file",
)
def read_attachment(request: HttpRequest, concern_id: int, attachment_id: int) -> HttpResponse:
    user = caller(request)
    attachment = access_attachment(user, concern_id, attachment_id)
    data = read_bytes(attachment)
    record_audit(user, "attachment.read", "concern", concern_id, {"attachment": attachment.pk})
    response = HttpResponse(data, content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
