"""Logs are JSON lines with a request id and hold no personal data, whatever a request carried."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, RequestFactory

from sanshi.concerns.models import Concern
from sanshi.notifications.sms import LogSmsSender
from sanshi.testing import World

NAME = "标记姓名欧阳春燕"
PHONE = "13987654321"
ID_NUMBER = "45050219900307123X"
TEXT = "标记正文孩子放学后没人照看"


@pytest.fixture
def log_lines(settings: Any) -> Iterator[io.StringIO]:
    """Every line the site logs at DEBUG and above, formatted as in production."""
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"] = {
        "class": "logging.StreamHandler",
        "formatter": "structured",
        "stream": stream,
    }
    config["root"]["level"] = "DEBUG"
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_request_is_logged_as_json_with_its_id_and_without_its_query(
    client: Client, world: World, log_lines: io.StringIO, settings: Any
) -> None:
    settings.DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True  # SANSHI_TRUST_REQUEST_ID
    client.force_login(world.dispatcher)

    response = client.get("/console/search/", {"q": PHONE}, headers={"X-Request-ID": "req-42"})

    assert response.status_code == 200
    started = [e for e in _lines(log_lines) if e["event"] == "request_started"]
    finished = [e for e in _lines(log_lines) if e["event"] == "request_finished"]
    assert [e["request"] for e in started] == ["GET /console/search/"]
    assert [(e["request_id"], e["code"]) for e in finished] == [("req-42", 200)]
    assert PHONE not in log_lines.getvalue()


def test_nothing_personal_reaches_the_logs_from_a_report_an_api_create_or_an_sms(
    client: Client, world: World, log_lines: io.StringIO
) -> None:
    from sanshi.api.actions import issue_api_token

    form = {
        "text": f"{TEXT}，身份证{ID_NUMBER}，电话{PHONE}",
        "consent": "on",
        "name": NAME,
        "phone": PHONE,
        "address": "北部湾东路12号",
    }
    assert client.post("/report/", form).status_code == 302
    _token, raw = issue_api_token(world.dispatcher, name="hotline")
    api = client.post(
        "/api/v1/concerns",
        json.dumps({"text": f"{TEXT} {PHONE}", "reporter_name": NAME, "reporter_phone": PHONE}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.status_code == 201
    LogSmsSender().send(PHONE, f"{NAME}您好，{TEXT}")
    logging.getLogger("sanshi.test").warning("caller %s, id %s", PHONE, ID_NUMBER)
    # Django's own error log passes the request object, whose text holds the query string.
    request = RequestFactory().get("/console/search/", {"q": NAME})
    logging.getLogger("django.request").error("Bad Request", extra={"request": request})

    written = log_lines.getvalue()
    assert Concern.objects.count() == 2
    assert {"request_finished", "sms to 139****4321: 24 characters"} <= {
        e["event"] for e in _lines(log_lines)
    }
    for marked in (NAME, PHONE, ID_NUMBER, TEXT):
        assert marked not in written
