"""Every write of attachments: keep cleaned files sealed with their rows and audit rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from django.contrib.auth.models import User as AuthUser
from django.core.files.base import ContentFile
from django.db import transaction

from sanshi.attachments.models import Attachment, Source
from sanshi.attachments.sanitise import CleanFile
from sanshi.attachments.sealing import seal_bytes
from sanshi.attachments.storage import attachment_storage
from sanshi.audit.actions import AuditRow, record_audits
from sanshi.concerns.models import Channel, Concern
from sanshi.core import clock
from sanshi.core.types import User

SOURCE_BY_CHANNEL: dict[str, str] = {Channel.OPEN311: Source.OPEN311, Channel.API: Source.API}


def source_for(channel: str, actor: User | None) -> str:
    """Who sent the files in: a resident herself, a client program, or staff taking a call."""
    if channel in SOURCE_BY_CHANNEL:
        return SOURCE_BY_CHANNEL[channel]
    return Source.STAFF if actor is not None and actor.is_authenticated else Source.RESIDENT


def attach_files(
    concern: Concern, files: Sequence[CleanFile], *, actor: User | None, source: str
) -> list[Attachment]:
    """Seal and store the files and write their rows; all of them or none.

    The files are written to storage before the rows; if anything fails, the ones written
    are deleted again and nothing is kept.
    """
    if not files:
        return []
    storage = attachment_storage()
    written: list[str] = []
    now = clock.now()
    user = actor if isinstance(actor, AuthUser) else None
    try:
        with transaction.atomic():
            rows = [_stored(concern, f, user, source, now, written) for f in files]
            Attachment.objects.bulk_create(rows)
            record_audits(
                [
                    AuditRow(user, "attachment.added", "concern", concern.pk, {"attachment": a.pk})
                    for a in rows
                ]
            )
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    return rows


def _stored(
    concern: Concern,
    clean: CleanFile,
    user: AuthUser | None,
    source: str,
    now: dt.datetime,
    written: list[str],
) -> Attachment:
    """Write one file's sealed bytes (and thumbnail) and return its unsaved row."""
    storage = attachment_storage()
    key = uuid.uuid4()
    row = Attachment(
        key=key,
        concern=concern,
        source=source,
        uploaded_by=user,
        name=clean.name,
        content_type=clean.content_type,
        size=len(clean.data),
        width=clean.width,
        height=clean.height,
        created_at=now,
    )
    # Random names: the storage shows neither the concern nor the file's own name.
    row.file = storage.save(
        f"{key.hex[:2]}/{key.hex}.bin", ContentFile(seal_bytes(clean.data, row.aad("file")))
    )
    written.append(row.file)
    if clean.thumbnail is not None:
        row.thumbnail = storage.save(
            f"{key.hex[:2]}/{key.hex}.thumb.bin",
            ContentFile(seal_bytes(clean.thumbnail, row.aad("thumbnail"))),
        )
        written.append(row.thumbnail)
    return row


def delete_files_of(concern: Concern) -> int:
    """Remove a concern's files from storage and their rows (anonymisation, retention)."""
    storage = attachment_storage()
    rows = list(Attachment.objects.filter(concern=concern))
    for row in rows:
        for name in (row.file, row.thumbnail):
            if name:
                storage.delete(name)
    Attachment.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)
