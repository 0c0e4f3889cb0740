"""Open311 GeoReport v2 conformance, write side: POST requests, keys, tokens, limits."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sanshi.concerns.models import Channel, Concern, Urgency
from sanshi.intake.actions import create_open311_key, revoke_open311_key
from sanshi.intake.models import Open311Key, Open311Submission
from sanshi.testing import World

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture
def key(world: World) -> str:
    return create_open311_key("fixmystreet").raw


def post(
    client: Client, fmt: str = "json", headers: dict[str, str] | None = None, **fields: Any
) -> Any:
    from urllib.parse import urlencode

    body = urlencode(
        [
            (k, v)
            for k, values in fields.items()
            for v in (values if isinstance(values, list) else [values])
        ]
    )
    return client.post(f"{BASE}/requests.{fmt}", body, content_type=FORM, headers=headers or {})


def good(key: str, **extra: Any) -> dict[str, Any]:
    fields = {
        "api_key": key,
        "service_code": "community.environment",
        "address_string": "北海市海城区东街街道",
        "description": "楼道里堆满杂物，有火灾隐患",
    }
    fields.update(extra)
    return {k: v for k, v in fields.items() if v is not None}


def errors(response: Any) -> list[dict[str, Any]]:
    return json.loads(response.content)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_concern_and_reads_back(client: Client, key: str, fmt: str) -> None:
    response = post(
        client,
        fmt,
        **good(key, first_name="春花", last_name="李", phone="13800000001", email="li@example.com"),
    )
    assert response.status_code == 201
    concern = Concern.objects.get()
    assert (concern.channel, concern.source_client, concern.subcategory) == (
        Channel.OPEN311,
        "fixmystreet",
        "community.environment",
    )
    assert (concern.reporter_name, concern.reporter_phone) == ("李春花", "13800000001")
    assert concern.text == "楼道里堆满杂物，有火灾隐患"
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        [item] = json.loads(response.content)
        assert set(item) == {"service_request_id", "service_notice", "account_id"}
        assert item["service_request_id"] == str(concern.pk)
        assert item["account_id"] is None
    else:
        assert response["Content-Type"] == "text/xml; charset=utf-8"
        root = ET.fromstring(response.content)  # noqa: S314
        assert root.tag == "service_requests"
        assert root.findtext("request/service_request_id") == str(concern.pk)
        assert root.find("request/token") is None
    back = client.get(f"{BASE}/requests/{concern.pk}.{fmt}")
    assert back.status_code == 200
    assert "李春花".encode() not in back.content
    assert b"13800000001" not in back.content


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_wrong_key_is_403(client: Client, key: str, fmt: str) -> None:
    missing = post(client, fmt, **good(key, api_key=None))
    wrong = post(client, fmt, **good("not-the-key"))
    assert (missing.status_code, wrong.status_code) == (403, 403)
    if fmt == "json":
        assert errors(missing) == [{"code": 403, "description": "api_key missing"}]
        assert errors(wrong) == [{"code": 403, "description": "api_key invalid"}]
    else:
        root = ET.fromstring(wrong.content)  # noqa: S314
        assert [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")] == [
            ("403", "api_key invalid")
        ]
    assert Concern.objects.count() == 0


def test_revoked_key_is_403(client: Client, world: World) -> None:
    issued = create_open311_key("old client")
    revoke_open311_key(issued.key)
    assert post(client, **good(issued.raw)).status_code == 403
    assert Concern.objects.count() == 0


def test_key_in_the_query_string_is_accepted(client: Client, key: str) -> None:
    fields = good(key, api_key=None)
    from urllib.parse import urlencode

    response = client.post(
        f"{BASE}/requests.json?api_key={key}", urlencode(fields), content_type=FORM
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("fields", "status", "descriptions"),
    [
        ({"service_code": None}, 400, ["service_code is required"]),
        ({"service_code": ""}, 400, ["service_code is required"]),
        ({"service_code": "no.such"}, 404, ["service_code 'no.such' not found"]),
        (
            {"address_string": None},
            400,
            ["a location is required: lat and long, address_string or address_id"],
        ),
        ({"address_string": None, "lat": "21.48"}, 400, ["lat and long must be given together"]),
        ({"lat": "north", "long": "109.1"}, 400, ["lat and long must be decimal numbers (WGS84)"]),
        ({"lat": "95", "long": "109.1"}, 400, ["lat must be within ±90 and long within ±180"]),
        ({"address_id": "999999"}, 400, ["address_id '999999' is not an official division code"]),
        ({"description": None}, 400, ["description is required: what happened"]),
        ({"description": "长" * 4001}, 400, ["description is limited to 4000 characters"]),
        (
            {"description": None, "address_string": None},
            400,
            [
                "a location is required: lat and long, address_string or address_id",
                "description is required: what happened",
            ],
        ),
        ({"service_code": "children.childcare"}, 400, ["attribute[minor_under_14] is required"]),
        (
            {"service_code": "children.childcare", "attribute[minor_under_14]": "maybe"},
            400,
            ["attribute[minor_under_14] must be one of ['false', 'true']"],
        ),
    ],
)
def test_bad_posts(
    client: Client, key: str, fields: dict[str, Any], status: int, descriptions: list[str]
) -> None:
    response = post(client, **good(key, **fields))
    assert response.status_code == status
    assert errors(response) == [{"code": status, "description": d} for d in descriptions]
    assert Concern.objects.count() == 0


def test_attributes_and_location_by_coordinates(client: Client, key: str) -> None:
    response = post(
        client,
        **good(
            key,
            service_code="children.childcare",
            address_string=None,
            lat="21.4812345",
            long="109.1209871",
            **{"attribute[minor_under_14][]": "true", "attribute[guardian_consent]": "true"},
        ),
    )
    assert response.status_code == 201
    concern = Concern.objects.get()
    assert (concern.minor_under_14, concern.guardian_consent, concern.protected) == (
        True,
        True,
        True,
    )
    assert (str(concern.latitude), str(concern.longitude)) == ("21.481234", "109.120987")


def test_publish_consent_attribute_lets_the_description_show(client: Client, key: str) -> None:
    response = post(client, **good(key, **{"attribute[publish_consent]": "true"}))
    [item] = json.loads(response.content)
    [back] = json.loads(client.get(f"{BASE}/requests/{item['service_request_id']}.json").content)
    assert back["description"] == "楼道里堆满杂物，有火灾隐患"


def test_address_id_names_the_division(client: Client, key: str, guangxi: None) -> None:
    response = post(client, **good(key, address_string=None, address_id="450502002"))
    assert response.status_code == 201
    concern = Concern.objects.get()
    assert concern.division is not None and concern.division.name == "东街街道"
    assert concern.address == "广西壮族自治区北海市海城区东街街道"  # what routing reads


def test_batch_service_answers_a_token_that_resolves_to_the_id(client: Client, key: str) -> None:
    response = post(
        client, "xml", **good(key, service_code="safety.dv_now", description="丈夫正在打我")
    )
    assert response.status_code == 201
    root = ET.fromstring(response.content)  # noqa: S314
    token = root.findtext("request/token")
    assert token is not None and len(token) == 32
    assert root.find("request/service_request_id") is None
    notice = root.findtext("request/service_notice") or ""
    assert notice.startswith(
        "如有危险请立即拨打110（报警）、120（急救），或12338（妇女维权热线）。"
    )
    concern = Concern.objects.get()
    assert (concern.urgency, concern.protected) == (Urgency.CRITICAL, True)
    resolved = client.get(f"{BASE}/tokens/{token}.json")
    assert json.loads(resolved.content) == [{"service_request_id": str(concern.pk), "token": token}]
    # protected: the id resolves but the request itself is never public
    assert client.get(f"{BASE}/requests/{concern.pk}.json").status_code == 404


def test_idempotency_key_retries_create_one_concern(client: Client, key: str) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = post(client, headers=headers, **good(key))
    again = post(client, headers=headers, **good(key))
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(first.content) == json.loads(again.content)
    assert Concern.objects.count() == 1
    assert post(client, headers={"Idempotency-Key": "retry-2"}, **good(key)).status_code == 201
    assert Concern.objects.count() == 2


def test_a_multipart_retry_is_the_same_request_as_its_urlencoded_first_try(
    client: Client, key: str
) -> None:
    headers = {"Idempotency-Key": "retry-multipart"}
    first = post(client, headers=headers, **good(key))
    again = client.post(f"{BASE}/requests.json", good(key), headers=headers)  # multipart
    assert (first.status_code, again.status_code) == (201, 200)
    assert Concern.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_409(client: Client, key: str) -> None:
    headers = {"Idempotency-Key": "retry-3"}
    assert post(client, headers=headers, **good(key)).status_code == 201
    other = post(client, headers=headers, **good(key, description="另一件事：路灯坏了"))
    assert other.status_code == 409
    assert [e["code"] for e in errors(other)] == [409, 409]
    assert Concern.objects.count() == 1


def test_keys_are_each_clients_own(client: Client, key: str) -> None:
    headers = {"Idempotency-Key": "shared"}
    other = create_open311_key("another app").raw
    assert post(client, headers=headers, **good(key)).status_code == 201
    assert post(client, headers=headers, **good(other)).status_code == 201
    assert Concern.objects.count() == 2


def test_per_key_rate_limit(client: Client, key: str, settings: Any) -> None:
    settings.SANSHI_OPEN311_RATE = 2
    assert [post(client, **good(key)).status_code for _ in range(3)] == [201, 201, 429]
    limited = post(client, **good(key))
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert errors(limited)[0]["code"] == 429
    assert Concern.objects.count() == 2
    other = create_open311_key("another app").raw
    assert post(client, **good(other)).status_code == 201


def test_rate_limit_zero_is_off(client: Client, key: str, settings: Any) -> None:
    settings.SANSHI_OPEN311_RATE = 0
    assert {post(client, **good(key)).status_code for _ in range(4)} == {201}


def test_jurisdiction_in_the_post_body(client: Client, key: str) -> None:
    assert post(client, **good(key, jurisdiction_id="sanshi")).status_code == 201
    wrong = post(client, **good(key, jurisdiction_id="sfgov.org"))
    assert wrong.status_code == 404
    assert errors(wrong) == [{"code": 404, "description": "jurisdiction_id 'sfgov.org' not found"}]
    assert Concern.objects.count() == 1


def test_injection_payloads_are_stored_verbatim(client: Client, key: str) -> None:
    payload = "'); DROP TABLE concerns_concern; -- <svg onload=alert(1)>"
    response = post(
        client,
        **good(
            key,
            description=payload,
            address_string=payload,
            **{"attribute[publish_consent]": "true"},
        ),
    )
    assert response.status_code == 201
    concern = Concern.objects.get()
    assert concern.text == payload
    xml = client.get(f"{BASE}/requests/{concern.pk}.xml").content.decode()
    assert "<svg onload" not in xml
    assert "&lt;svg onload=alert(1)&gt;" in xml


def test_nul_bytes_are_refused_at_the_edge_with_the_field_named(client: Client, key: str) -> None:
    response = post(client, **good(key, description="求助\x00\x01"))
    assert response.status_code == 400
    assert response.json() == [
        {
            "code": 400,
            "description": "description: contains a control character (such as NUL) that is not allowed",
        }
    ]
    assert Concern.objects.count() == 0


def test_get_on_a_method_not_allowed_is_not_a_500(client: Client) -> None:
    response = client.put(f"{BASE}/requests.json")
    assert response.status_code == 405


# ---------------------------------------------------------------- the key command


def test_key_command_prints_the_key_on_its_last_line(client: Client, world: World) -> None:
    out, err = StringIO(), StringIO()
    call_command("open311_key", "create", "FixMyStreet Beihai", stdout=out, stderr=err)
    raw = out.getvalue().strip().splitlines()[-1]
    assert len(raw) == 43
    key = Open311Key.objects.get(name="FixMyStreet Beihai")
    assert key.key_hash != raw and raw not in key.key_hash
    assert post(client, **good(raw)).status_code == 201
    assert Open311Submission.objects.get().client == key
    with pytest.raises(CommandError):
        call_command("open311_key", "create", "FixMyStreet Beihai", stdout=StringIO())
    listing = StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert (
        listing.getvalue() == f"FixMyStreet Beihai\t{raw[:8]}…\tactive\t{key.created_at:%Y-%m-%d}\n"
    )
    call_command("open311_key", "revoke", "FixMyStreet Beihai", stdout=StringIO())
    assert post(client, **good(raw)).status_code == 403


def test_a_key_revoked_by_another_process_counts_within_credentials_seconds(
    client: Client, key: str, settings: Any
) -> None:
    settings.CREDENTIALS_SECONDS = 3600
    assert post(client, **good(key)).status_code == 201  # the process now keeps the key
    # Another process's write: no signal reaches this one, so it trusts what it checked...
    Open311Key.objects.update(active=False)
    assert post(client, **good(key)).status_code == 201
    # ...until CREDENTIALS_SECONDS have passed since it checked.
    settings.CREDENTIALS_SECONDS = 0
    assert post(client, **good(key)).status_code == 403
    assert Concern.objects.count() == 2


def test_admin_shows_a_new_key_once(client: Client, world: World, settings: Any) -> None:
    from django.contrib.auth import get_user_model

    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if "SecondFactor" not in m
    ]  # not under test

    admin = get_user_model().objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin)
    response = client.post("/admin/intake/open311key/add/", {"name": "WeChat app"})
    assert response.status_code == 302
    key = Open311Key.objects.get(name="WeChat app")
    [message] = [str(m) for m in get_messages(response.wsgi_request) if "只显示这一次" in str(m)]
    raw = message.rsplit(" ", 1)[1]
    assert raw.startswith(key.prefix)
    assert post(client, **good(raw)).status_code == 201


def test_clients_need_no_csrf_token(key: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, **good(key)).status_code == 201


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=zzz", "garbage--"),
        ("multipart/form-data", "garbage"),
        ("application/json", '{"service_code": 1}'),
        (FORM, "%ff%fe=%00&api_key=%zz"),
    ],
)
def test_malformed_bodies_are_4xx_never_5xx(
    client: Client, key: str, content_type: str, body: str
) -> None:
    response = client.post(f"{BASE}/requests.json", body, content_type=content_type)
    assert response.status_code in (400, 403)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert Concern.objects.count() == 0


def test_oversized_body_is_413_with_errors(client: Client, key: str, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = post(client, **good(key, description="长" * 2000))
    assert response.status_code == 413
    assert errors(response) == [{"code": 413, "description": "request body too large"}]
    assert Concern.objects.count() == 0
