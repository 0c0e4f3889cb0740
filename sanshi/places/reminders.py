"""Texts to residents about their sign-ups, sent through the notification centre's SMS sender
(sanshi.notifications.sms) after the write commits. They carry the activity's title, time and
place and the resident's own sign-up link; never anyone else's data, never a child's name."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sanshi.notifications.sms import sms_sender
from sanshi.places.models import SignUp

logger = logging.getLogger("sanshi.places")


def signup_link(signup: SignUp) -> str:
    base = str(getattr(settings, "SANSHI_BASE_URL", "")).rstrip("/")
    return base + reverse("places:signup", args=[signup.code])


def _when(signup: SignUp) -> str:
    return timezone.localtime(signup.activity.starts_at).strftime("%m月%d日 %H:%M")


def _send(ids: Iterable[int], text_for: object) -> int:
    sent = 0
    rows = SignUp.objects.filter(pk__in=list(ids)).select_related("activity").order_by("pk")
    for signup in rows:
        text = text_for(signup)  # type: ignore[operator]
        try:
            sms_sender().send(signup.phone, text)
            sent += 1
        except Exception:  # a failing gateway does not undo the sign-up; the page shows it
            logger.exception("could not text sign-up %s", signup.pk)
    return sent


def remind(ids: Iterable[int]) -> int:
    return _send(
        ids,
        lambda s: (
            f"【三事】提醒：您报名的「{s.activity.title}」{_when(s)}在{s.activity.location}开始。"
            f"到场扫码签到，或出示报名码：{signup_link(s)}"
        ),
    )


def tell_moved_up(ids: Iterable[int]) -> int:
    return _send(
        ids,
        lambda s: (
            f"【三事】好消息：「{s.activity.title}」（{_when(s)}）有人取消，您已从候补转为报名成功。"
            f"{signup_link(s)}"
        ),
    )


def tell_cancelled(ids: Iterable[int]) -> int:
    return _send(
        ids, lambda s: f"【三事】抱歉：「{s.activity.title}」（{_when(s)}）已取消。{signup_link(s)}"
    )


def tell_changed(ids: Iterable[int], moved_up: Iterable[int] = ()) -> int:
    """The activity's time, place or capacity changed: each hears what it is now and where
    she stands (signed up, moved up from the waiting list by the new places, or waiting)."""
    up = set(moved_up)

    def text(s: SignUp) -> str:
        if s.pk in up:
            where = "名额增加，您已从候补转为报名成功"
        elif s.status == SignUp.Status.WAITING:
            where = "您仍在候补名单上"
        else:
            where = "您的报名仍有效"
        return (
            f"【三事】变更：「{s.activity.title}」现为{_when(s)}在{s.activity.location}，"
            f"名额{s.activity.capacity}人，{where}。{signup_link(s)}"
        )

    return _send(ids, text)
