"""Loading attachments: only through the concern, and only for those who see it in full."""

from __future__ import annotations

from django.db.models import QuerySet

from sanshi.attachments.models import Attachment
from sanshi.attachments.sealing import open_bytes
from sanshi.attachments.storage import attachment_storage
from sanshi.concerns.access import FULL, access_concern, visibility
from sanshi.concerns.models import Concern
from sanshi.core.errors import NotFound
from sanshi.core.types import User


def access_concern_in_full(user: User, concern_id: int) -> Concern:
    """The concern, if the user sees it in full; NotFound for missing, forbidden or a stub."""
    concern = access_concern(user, concern_id)
    if visibility(user, concern) != FULL:
        raise NotFound("no such concern")
    return concern


def attachments_shown_to(user: User, concern: Concern) -> QuerySet[Attachment]:
    """The concern's files for this user: all of them in full view, none otherwise."""
    if visibility(user, concern) != FULL:
        return Attachment.objects.none()
    return Attachment.objects.filter(concern=concern)


def access_attachment(user: User, concern_id: int, attachment_id: int) -> Attachment:
    """One file of a concern the user sees in full; NotFound for anything else."""
    concern = access_concern_in_full(user, concern_id)
    found = Attachment.objects.filter(concern=concern, pk=attachment_id).first()
    if found is None:
        raise NotFound("no such attachment")
    return found


def read_bytes(attachment: Attachment, part: str = "file") -> bytes:
    """The file's (or its thumbnail's) bytes, opened."""
    name = attachment.file if part == "file" else attachment.thumbnail
    if not name:
        raise NotFound("no thumbnail")
    with attachment_storage().open(name, "rb") as handle:
        return open_bytes(handle.read(), attachment.aad(part))
