"""Where sealed files are kept: Django's storage API.

STORAGES["attachments"] when the settings name one (S3-compatible object storage through
django-storages, docs/attachments.md); otherwise files under SANSHI_DATA_DIR/attachments.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

ALIAS = "attachments"


def attachment_storage() -> Storage:
    if ALIAS in settings.STORAGES:
        return storages[ALIAS]
    return FileSystemStorage(location=settings.DATA_DIR / "attachments")
