"""Sending text messages: an interface, a logging sender for the demo, and the settings hook.

A deployment names its sender class in SANSHI_SMS_SENDER (a dotted path); the class is built
with no arguments and must have `send(phone, text)`. No real provider is called in tests.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from sanshi.core.crypto import mask_phone

logger = logging.getLogger("sanshi.sms")

DEFAULT_SENDER = "sanshi.notifications.sms.LogSmsSender"


@runtime_checkable
class SmsSender(Protocol):
    """Anything that can send one text message to one phone number."""

    def send(self, phone: str, text: str) -> None: ...


class LogSmsSender:
    """Logs that a message would be sent, instead of sending it (demo and development): to a
    masked number, and its length, never its text (logs hold no personal data)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("sms to %s: %d characters", mask_phone(phone), len(text))


class MemorySmsSender:
    """Keeps messages in a list, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsSender.outbox.append((phone, text))


@cache
def _sender(path: str) -> SmsSender:
    sender = import_string(path)()
    if not isinstance(sender, SmsSender):
        raise TypeError(f"{path} has no send(phone, text) method")
    return sender


def sms_sender() -> SmsSender:
    """The configured sender (settings.SANSHI_SMS_SENDER, else the logging one)."""
    return _sender(getattr(settings, "SANSHI_SMS_SENDER", "") or DEFAULT_SENDER)
