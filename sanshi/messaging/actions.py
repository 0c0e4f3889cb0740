"""Every write of messaging: the resident's safe-contact choice, stopping, and one send."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from sanshi.audit.actions import record_audit
from sanshi.concerns.models import Concern, ConcernEvent
from sanshi.core import clock
from sanshi.core.crypto import phone_index
from sanshi.core.errors import InvalidInput
from sanshi.core.types import User
from sanshi.messaging import rules
from sanshi.messaging.backends import SendFailed, sms_backend
from sanshi.messaging.models import ContactPreference, MessageLog, MessageStatus, SafeChannel
from sanshi.messaging.templates import LANGUAGES, Message, template_for, tracking_link

logger = logging.getLogger("sanshi.messaging")


def _check_choice(channel: str, start: dt.time | None, end: dt.time | None) -> None:
    if channel not in SafeChannel.values:
        raise InvalidInput("unknown contact channel", fields={"contact_channel": "invalid"})
    if (start is None) != (end is None) or (start is not None and start == end):
        raise InvalidInput(
            "a safe time needs a start and a different end",
            fields={"contact_from": "invalid", "contact_until": "invalid"},
        )


def record_contact_preference(
    concern: Concern,
    *,
    channel: str,
    window_start: dt.time | None = None,
    window_end: dt.time | None = None,
    language: str = "zh-hans",
    actor: User | None,
) -> ContactPreference:
    """Record (or replace) how the resident may be messaged about this concern.

    A resident who stopped messages stays stopped: only she can ask again, by reporting anew.
    """
    _check_choice(channel, window_start, window_end)
    language = language if language in LANGUAGES else "zh-hans"
    user = actor if actor is not None and actor.is_authenticated else None
    values = {
        "channel": channel,
        "window_start": window_start,
        "window_end": window_end,
        "language": language,
        "recorded_by": user,
        "recorded_at": clock.now(),
    }
    with transaction.atomic():
        updated = ContactPreference.objects.filter(concern=concern).update(**values)
        if not updated:
            try:
                with transaction.atomic():
                    ContactPreference.objects.create(concern=concern, **values)
            except IntegrityError:  # recorded at the same moment by someone else: ours wins
                ContactPreference.objects.filter(concern=concern).update(**values)
        record_audit(
            user,
            "messaging.preference",
            "concern",
            concern.pk,
            {"channel": channel, "window": window_start is not None},
        )
    return ContactPreference.objects.get(concern=concern)


def stop_messages(concern: Concern, *, actor: User | None = None) -> bool:
    """No more messages about this concern; False when they were already stopped."""
    now = clock.now()
    with transaction.atomic():
        stopped = ContactPreference.objects.filter(concern=concern, stopped_at__isnull=True).update(
            stopped_at=now
        )
        if not stopped and not ContactPreference.objects.filter(concern=concern).exists():
            try:
                with transaction.atomic():
                    ContactPreference.objects.create(
                        concern=concern,
                        channel=SafeChannel.NONE,
                        recorded_at=now,
                        stopped_at=now,
                    )
                stopped = 1
            except IntegrityError:
                stopped = ContactPreference.objects.filter(
                    concern=concern, stopped_at__isnull=True
                ).update(stopped_at=now)
        if stopped:
            record_audit(actor, "messaging.stopped", "concern", concern.pk)
    return bool(stopped)


def send_about(
    concern: Concern, event: ConcernEvent, kind: str, *, can_wait: bool = True
) -> rules.Decision:
    """Decide about one message and send it if the rules allow: at most once per event.

    Every decision to send or not is logged (template, concern, hashed number); a message
    outside the safe window is left for later (the task is enqueued again for that time).
    """
    preference = ContactPreference.objects.filter(concern=concern).first()
    decision = rules.decide(concern, preference, kind, clock.now())
    if decision.action == rules.LATER:
        if can_wait:
            return decision
        # The task queue cannot run it later (the immediate backend): safer not to send.
        decision = rules.Decision(rules.SKIP, decision.reason)
    template = template_for(kind, discreet=rules.sensitive(concern))
    log = MessageLog(
        concern=concern,
        event=event,
        template=template,
        phone_hash=phone_index(concern.reporter_phone),
        status=MessageStatus.SKIPPED if decision.action == rules.SKIP else MessageStatus.FAILED,
        reason=decision.reason or "sending",
        at=clock.now(),
    )
    try:
        with transaction.atomic():
            log.save(force_insert=True)
    except IntegrityError:  # already decided (a task run twice): never a second message
        return rules.Decision(rules.SKIP, "already_decided")
    if decision.action == rules.SKIP:
        return decision
    language = preference.language if preference is not None else "zh-hans"
    params = {"code": concern.tracking_code}
    if not template.endswith("_discreet"):
        params["link"] = tracking_link(concern.tracking_code)
    try:
        provider_id = sms_backend().send(
            concern.reporter_phone, Message(template, language, params)
        )
    except SendFailed as exc:
        logger.warning("message %s about concern %s failed: %s", template, concern.pk, exc)
        MessageLog.objects.filter(pk=log.pk).update(reason=str(exc)[:32])
        return rules.Decision(rules.SKIP, "failed")
    MessageLog.objects.filter(pk=log.pk).update(
        status=MessageStatus.SENT, reason="", provider_id=provider_id[:64]
    )
    return decision


@dataclass(frozen=True)
class ContactChoice:
    """What a resident (or staff taking her call) said about being messaged, at intake."""

    channel: str
    window_start: dt.time | None = None
    window_end: dt.time | None = None
    language: str = "zh-hans"

    def __post_init__(self) -> None:
        _check_choice(self.channel, self.window_start, self.window_end)


def record_choice(concern: Concern, choice: ContactChoice, *, actor: User | None) -> None:
    """Record the choice made at intake (take_in calls it inside the intake's transaction)."""
    record_contact_preference(
        concern,
        channel=choice.channel,
        window_start=choice.window_start,
        window_end=choice.window_end,
        language=choice.language,
        actor=actor,
    )
