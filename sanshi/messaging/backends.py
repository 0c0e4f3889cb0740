"""SMS providers behind one small interface; the deployment names one in SANSHI_SMS_BACKEND.

- ConsoleBackend prints each message (development; the default).
- MemoryBackend keeps them in a list (tests).
- AliyunSmsBackend calls Aliyun's SendSms (RPC API version 2017-05-25, HMAC-SHA1 signature).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import sys
import urllib.parse
import urllib.request
from functools import cache
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from sanshi.core import clock
from sanshi.messaging.templates import Message

DEFAULT_BACKEND = "sanshi.messaging.backends.ConsoleBackend"


class SendFailed(Exception):
    """The provider did not take the message (its code, never the text)."""


@runtime_checkable
class SmsBackend(Protocol):
    def send(self, phone: str, message: Message) -> str:
        """Send one message; the provider's id for it, or SendFailed."""
        ...


class ConsoleBackend:
    """Prints each message to standard output instead of sending it (development only)."""

    def send(self, phone: str, message: Message) -> str:
        sys.stdout.write(
            f"SMS to {phone} [{message.template}/{message.language}]: {message.text}\n"
        )
        return ""


class MemoryBackend:
    """Keeps (phone, message) pairs, for tests."""

    outbox: list[tuple[str, Message]] = []

    def send(self, phone: str, message: Message) -> str:
        MemoryBackend.outbox.append((phone, message))
        return f"memory-{len(MemoryBackend.outbox)}"


def percent_encode(value: str) -> str:
    """Aliyun's POP encoding: RFC 3986 unreserved characters kept, everything else %XX."""
    return urllib.parse.quote(value, safe="~")


def aliyun_signature(method: str, params: dict[str, str], secret: str) -> str:
    """The Signature of an Aliyun RPC request (signature version 1.0, HMAC-SHA1)."""
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items())
    )
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _nonce() -> str:
    return secrets.token_hex(16)


class AliyunSmsBackend:
    """Aliyun SMS (阿里云短信服务) SendSms, POSTed form-encoded to the endpoint.

    Settings: SANSHI_SMS_ALIYUN = {"access_key_id", "access_key_secret", "sign_name",
    "templates": {"receipt.zh-hans": "SMS_...", ...}, "endpoint", "region", "timeout"}.
    """

    def __init__(self) -> None:
        conf: dict[str, Any] = dict(getattr(settings, "SANSHI_SMS_ALIYUN", {}))
        self.access_key_id = str(conf.get("access_key_id", ""))
        self.access_key_secret = str(conf.get("access_key_secret", ""))
        self.sign_name = str(conf.get("sign_name", ""))
        self.templates: dict[str, str] = dict(conf.get("templates", {}))
        self.endpoint = str(conf.get("endpoint", "https://dysmsapi.aliyuncs.com/"))
        self.region = str(conf.get("region", "cn-hangzhou"))
        self.timeout = float(conf.get("timeout", 10))

    def request_params(self, phone: str, message: Message, now: dt.datetime) -> dict[str, str]:
        """The signed parameters of one SendSms request."""
        code = self.templates.get(f"{message.template}.{message.language}")
        if not code:
            raise SendFailed(f"no Aliyun template for {message.template}.{message.language}")
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": _nonce(),
            "SignatureVersion": "1.0",
            "TemplateCode": code,
            "TemplateParam": json.dumps(
                message.params, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ),
            "Timestamp": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature("POST", params, self.access_key_secret)
        return params

    def send(self, phone: str, message: Message) -> str:
        body = urllib.parse.urlencode(self.request_params(phone, message, clock.now()))
        request = urllib.request.Request(  # noqa: S310 - the endpoint is the deployment's setting
            self.endpoint,
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as exc:
            raise SendFailed(type(exc).__name__) from None
        if answer.get("Code") != "OK":
            raise SendFailed(str(answer.get("Code", "no code"))[:32])
        return str(answer.get("BizId", ""))[:64]


@cache
def _backend(path: str) -> SmsBackend:
    backend = import_string(path)()
    if not isinstance(backend, SmsBackend):
        raise TypeError(f"{path} has no send(phone, message) method")
    return backend


def sms_backend() -> SmsBackend:
    return _backend(str(getattr(settings, "SANSHI_SMS_BACKEND", "") or DEFAULT_BACKEND))
