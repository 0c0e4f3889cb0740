from __future__ import annotations

import datetime as dt

import pytest

from sanshi.attachments.models import Attachment
from sanshi.concerns.models import Urgency
from sanshi.demo.files_and_messages import load_files_and_messages
from sanshi.messaging.models import ContactPreference
from sanshi.testing import World

pytestmark = pytest.mark.django_db


def test_the_demo_adds_photos_and_a_safe_window_once(world: World) -> None:
    ordinary = [world.concern(reporter_phone=f"1380000000{i}") for i in range(4)]
    world.concern(reporter_phone="13900000000", anonymous=False)
    danger = world.concern(
        text="他拿刀打我", reporter_phone="13700000000", urgency=Urgency.CRITICAL
    )
    assert load_files_and_messages() == 3
    assert load_files_and_messages() == 0
    assert Attachment.objects.count() == 3
    assert ordinary[0].pk not in set(Attachment.objects.values_list("concern_id", flat=True))
    window = ContactPreference.objects.get(concern=danger)
    assert (window.window_start, window.window_end) == (dt.time(9), dt.time(10))
    assert ContactPreference.objects.count() == 4
