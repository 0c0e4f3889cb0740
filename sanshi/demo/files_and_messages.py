"""The demo's photos and safe-contact choices: a few recent concerns carry a photo (a drawn
picture, sealed like any other) and the resident's choice of how to be texted; one danger
concern has a safe window recorded by its protection officer.

Through the real actions; a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image, ImageDraw

from sanshi.attachments.actions import attach_files
from sanshi.attachments.models import Attachment, Source
from sanshi.attachments.sanitise import clean_upload
from sanshi.concerns.models import Concern, Urgency
from sanshi.messaging.actions import record_contact_preference
from sanshi.messaging.models import ContactPreference, SafeChannel


def _picture(seed: int) -> bytes:
    """A simple drawn 'photo' (no real person or place), as a phone's JPEG."""
    image = Image.new("RGB", (640, 480), (200 - seed * 20, 190, 170))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80 + seed * 10, 120, 560, 400), outline=(90, 60, 40), width=8)
    draw.line((80, 400, 560, 120), fill=(120, 30, 30), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def load_files_and_messages(limit: int = 3) -> int:
    """Photos on the most recent open concerns with a phone; returns how many were added."""
    if Attachment.objects.exists() or ContactPreference.objects.exists():
        return 0
    open_with_phone = (
        Concern.objects.filter(anonymous=False, closed_at__isnull=True)
        .exclude(reporter_phone="")
        .order_by("-received_at")
    )
    added = 0
    for seed, concern in enumerate(open_with_phone.exclude(urgency=Urgency.CRITICAL)[:limit]):
        attach_files(
            concern,
            [clean_upload(_picture(seed), f"IMG_{seed:04d}.jpg")],
            actor=None,
            source=Source.RESIDENT,
        )
        record_contact_preference(concern, channel=SafeChannel.SMS, actor=None)
        added += 1
    danger = open_with_phone.filter(urgency=Urgency.CRITICAL).first()
    if danger is not None:
        record_contact_preference(
            danger,
            channel=SafeChannel.SMS,
            window_start=dt.time(9),
            window_end=dt.time(10),
            actor=None,
        )
    return added
