"""The Aliyun SendSms adapter against a fake provider this test starts on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine

from sanshi.concerns.models import ConcernEvent, EventKind
from sanshi.messaging import backends
from sanshi.messaging.actions import send_about
from sanshi.messaging.backends import AliyunSmsBackend, SendFailed, aliyun_signature
from sanshi.messaging.models import MessageLog, MessageStatus
from sanshi.messaging.templates import Message
from sanshi.testing import World

NOW = dt.datetime(2026, 12, 7, 2, 0, 5, tzinfo=dt.UTC)


class FakeAliyun(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answer: dict[str, str] = {}

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        FakeAliyun.received.append(
            {
                "path": self.path,
                "content_type": self.headers["Content-Type"],
                "form": dict(urllib.parse.parse_qsl(body, keep_blank_values=True)),
            }
        )
        payload = json.dumps(FakeAliyun.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@pytest.fixture
def fake_aliyun(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[FakeAliyun]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAliyun)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeAliyun.received = []
    FakeAliyun.answer = {
        "Code": "OK",
        "Message": "OK",
        "BizId": "900619746936498440^0",
        "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990",
    }
    settings.SANSHI_SMS_BACKEND = "sanshi.messaging.backends.AliyunSmsBackend"
    settings.SANSHI_SMS_ALIYUN = {
        "access_key_id": "testId",
        "access_key_secret": "testSecret",
        "sign_name": "三事",
        "endpoint": f"http://127.0.0.1:{server.server_port}/",
        "templates": {"receipt.zh-hans": "SMS_100001", "receipt_discreet.zh-hans": "SMS_100004"},
    }
    monkeypatch.setattr(backends, "_nonce", lambda: "45e25e9b0a6f40708c852956eda1b466")
    backends._backend.cache_clear()
    yield FakeAliyun
    server.shutdown()
    server.server_close()
    backends._backend.cache_clear()


def test_the_signature_matches_aliyuns_documented_example() -> None:
    # help.aliyun.com, SendSms request signing example (GET, AccessKeySecret "testSecret").
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun_signature("GET", params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


@pytest.mark.django_db
def test_the_fake_provider_receives_the_exact_sendsms_request(
    world: World, fake_aliyun: type[FakeAliyun]
) -> None:
    concern = world.concern(reporter_phone="13800000001")
    event = ConcernEvent.objects.get(concern=concern, kind=EventKind.RECEIVED)
    with time_machine.travel(NOW, tick=False):
        decision = send_about(concern, event, "receipt")
    assert decision.action == "send"
    expected = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": "13800000001",
        "RegionId": "cn-hangzhou",
        "SignName": "三事",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b0a6f40708c852956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_100001",
        "TemplateParam": '{"code":"CODE","link":"https://sanshi.example.cn/track/CODE/"}'.replace(
            "CODE", concern.tracking_code
        ),
        "Timestamp": "2026-12-07T02:00:05Z",
        "Version": "2017-05-25",
    }
    expected["Signature"] = aliyun_signature("POST", expected, "testSecret")
    assert fake_aliyun.received == [
        {
            "path": "/",
            "content_type": "application/x-www-form-urlencoded; charset=utf-8",
            "form": expected,
        }
    ]
    log = MessageLog.objects.get()
    assert (log.template, log.status, log.provider_id) == (
        "receipt",
        MessageStatus.SENT,
        "900619746936498440^0",
    )


@pytest.mark.django_db
def test_a_provider_refusal_is_logged_as_failed_with_its_code(
    world: World, fake_aliyun: type[FakeAliyun]
) -> None:
    fake_aliyun.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}
    concern = world.concern(reporter_phone="13800000001")
    event = ConcernEvent.objects.get(concern=concern, kind=EventKind.RECEIVED)
    send_about(concern, event, "receipt")
    log = MessageLog.objects.get()
    assert (log.status, log.reason) == (MessageStatus.FAILED, "isv.BUSINESS_LIMIT_CONTROL")
    assert len(fake_aliyun.received) == 1


def test_a_template_without_a_provider_code_is_not_sent(settings: Any) -> None:
    settings.SANSHI_SMS_ALIYUN = {"templates": {}}
    with pytest.raises(SendFailed) as failed:
        AliyunSmsBackend().send("13800000001", Message("reply", "en", {"code": "X", "link": "/"}))
    assert str(failed.value) == "no Aliyun template for reply.en"
