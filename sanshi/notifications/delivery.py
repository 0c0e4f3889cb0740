"""Delivering notifications beyond the console: email to users with an address, SMS for danger.

Messages carry the kind, the tracking code and a link, never the concern's text, reporter or
address: mail and SMS leave the system, and protected concerns must not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanshi.concerns.models import EventKind
from sanshi.notifications.models import Notification
from sanshi.notifications.sms import sms_sender
from sanshi.orgs.models import Person

logger = logging.getLogger("sanshi.notifications")

KIND_LABELS: dict[str, object] = {
    "critical": _("紧急（危险）诉求"),
    **{str(k.value): k.label for k in EventKind},
}
# Danger, and danger triage was unsure of (a person must check it within minutes).
SMS_KINDS = frozenset({"critical", "danger_check", "child_not_collected"})


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def _link(notification: Notification) -> str:
    base = str(getattr(settings, "SANSHI_BASE_URL", "")).rstrip("/")
    if notification.concern_id is None:
        return base + notification.link
    return base + reverse("console:concern", args=[notification.concern_id])


def _body(notification: Notification, code: str) -> str:
    return gettext(
        "%(kind)s\n查询码：%(code)s\n请登录工作台处理：%(link)s\n\n"
        "（为保护当事人隐私，邮件和短信不含诉求内容。）"
    ) % {"kind": kind_label(notification.kind), "code": code, "link": _link(notification)}


def message_for(notification: Notification) -> tuple[str, str]:
    """Subject and body: what happened to which concern, and where to open it.

    Staff have no stored language, so the subject is in the site's language and the body in
    Chinese then English: every reader finds hers. A notice about no concern (a child not
    collected) has a subject that names no person.
    """
    if notification.concern is None:
        subject = f"[三事] {notification.subject}"
        return subject, f"{notification.subject}\n请登录工作台处理：{_link(notification)}"
    code = notification.concern.tracking_code
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("[三事] %(kind)s：%(code)s") % {
            "kind": kind_label(notification.kind),
            "code": code,
        }
    bodies = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            bodies.append(_body(notification, code))
    return subject, "\n\n----\n\n".join(bodies)


def deliver(notifications: Iterable[Notification]) -> tuple[int, int]:
    """Email every recipient who has an address; text duty officers about danger.

    Returns (emails sent, texts sent). A failing mail server or SMS gateway is logged and
    does not undo the notifications, which the console shows anyway.
    """
    items = list(notifications)
    if not items:
        return 0, 0
    user_ids = {n.user_id for n in items}
    emails = dict(
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .exclude(email="")
        .values_list("pk", "email")
    )
    phones = dict(
        Person.objects.filter(user_id__in=user_ids)
        .exclude(phone="")
        .values_list("user_id", "phone")
    )
    sent_mail = sent_sms = 0
    from_email = getattr(settings, "DEFAULT_FROM_EMAIL", None)
    for n in items:
        subject, body = message_for(n)
        if n.user_id in emails:
            try:
                sent_mail += send_mail(subject, body, from_email, [emails[n.user_id]])
            except Exception:  # any backend error: the console still has the notification
                logger.exception("could not email notification %s", n.pk)
        if n.kind in SMS_KINDS and n.user_id in phones:
            try:
                sms_sender().send(phones[n.user_id], f"{subject} {_link(n)}")
                sent_sms += 1
            except Exception:
                logger.exception("could not text notification %s", n.pk)
    return sent_mail, sent_sms
