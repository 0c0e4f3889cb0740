"""Open311 GeoReport v2 conformance, read side: discovery, services, requests, updates."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.test import Client

from sanshi.concerns import actions
from sanshi.concerns.models import Concern, Status
from sanshi.concerns.taxonomy import taxonomy
from sanshi.intake.tests.helpers import replied
from sanshi.orgs.models import Division
from sanshi.testing import World

pytestmark = pytest.mark.django_db

JSON = "application/json; charset=utf-8"
XML = "text/xml; charset=utf-8"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
BASE = "/open311/v2"


def get_json(client: Client, path: str, expect: int = 200, **params: Any) -> Any:
    response = client.get(f"{BASE}/{path}.json", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == JSON
    return json.loads(response.content)


def get_xml(client: Client, path: str, expect: int = 200, **params: Any) -> ET.Element:
    response = client.get(f"{BASE}/{path}.xml", params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"] == XML
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(response.content)  # noqa: S314 - our own output


def as_dict(element: ET.Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


# ---------------------------------------------------------------- discovery


def test_discovery_in_both_formats_agrees(client: Client) -> None:
    body = get_json(client, "discovery")
    root = get_xml(client, "discovery")
    assert root.tag == "discovery"
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert W3C.match(body["changeset"])
    assert dt.datetime.fromisoformat(body["changeset"]) < dt.datetime.now(dt.UTC)
    [endpoint] = body["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2/",
        "changeset": body["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    xml_endpoint = root.find("endpoints/endpoint")
    assert xml_endpoint is not None
    assert xml_endpoint.findtext("url") == endpoint["url"]
    assert [f.text for f in xml_endpoint.findall("formats/format")] == endpoint["formats"]
    assert root.findtext("changeset") == body["changeset"]


def test_root_points_at_discovery(client: Client) -> None:
    response = client.get(f"{BASE}/")
    assert response.status_code == 302
    assert response["Location"] == "discovery.xml"


# ---------------------------------------------------------------- services


def test_one_service_per_subcategory_with_real_booleans(client: Client) -> None:
    services = get_json(client, "services")
    subs = taxonomy().subcategories
    assert [s["service_code"] for s in services] == list(subs)
    by_code = {s["service_code"]: s for s in services}
    assert by_code["children.childcare"] == {
        "service_code": "children.childcare",
        "service_name": "课后与假期看护、儿童之家",
        "description": "课后与假期看护、儿童之家 / after-school and holiday care, children's homes",
        "metadata": True,
        "type": "realtime",
        "keywords": "after-school and holiday care, children's homes, 儿童关爱与保护",
        "group": "儿童关爱与保护",
    }
    assert by_code["family.divorce"]["metadata"] is False
    assert by_code["safety.dv_now"]["type"] == "batch"
    assert by_code["safety.dv_help"]["type"] == "batch"  # private category: never public
    assert by_code["children.abuse"]["type"] == "batch"  # urgent: protected
    assert {s["type"] for s in services} == {"realtime", "batch"}
    assert all(isinstance(s["metadata"], bool) for s in services)


def test_services_xml_matches_json(client: Client) -> None:
    services = get_json(client, "services")
    root = get_xml(client, "services")
    rows = [as_dict(e) for e in root.findall("service")]
    assert len(rows) == len(services)
    assert rows[0]["metadata"] in ("true", "false")
    assert [r["service_code"] for r in rows] == [s["service_code"] for s in services]
    assert all(
        r["metadata"] == str(s["metadata"]).lower() for r, s in zip(rows, services, strict=True)
    )


def test_every_metadata_service_has_a_definition(client: Client) -> None:
    for s in get_json(client, "services"):
        definition = get_json(client, f"services/{s['service_code']}")
        assert definition["service_code"] == s["service_code"]
        assert bool(definition["attributes"]) is s["metadata"]
        orders = [a["order"] for a in definition["attributes"]]
        assert orders == list(range(1, len(orders) + 1))


def test_child_service_definition(client: Client) -> None:
    definition = get_json(client, "services/children.childcare")
    assert definition["attributes"][0] == {
        "variable": True,
        "code": "minor_under_14",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "当事人是否未满14周岁 / Is the person concerned under 14?",
        "values": [{"key": "true", "name": "是 yes"}, {"key": "false", "name": "否 no"}],
    }
    root = get_xml(client, "services/children.childcare")
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert first is not None
    assert first.findtext("code") == "minor_under_14"
    assert first.findtext("required") == "true"
    assert [v.findtext("key") for v in first.findall("values/value")] == ["true", "false"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_with_errors(client: Client, fmt: str) -> None:
    response = client.get(f"{BASE}/services/no.such.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert json.loads(response.content) == [
            {"code": 404, "description": "service_code 'no.such' not found"}
        ]
    else:
        root = ET.fromstring(response.content)  # noqa: S314
        assert root.tag == "errors"
        assert [as_dict(e) for e in root.findall("error")] == [
            {"code": "404", "description": "service_code 'no.such' not found"}
        ]


# ---------------------------------------------------------------- jurisdiction


@pytest.mark.parametrize(
    "path",
    ["discovery", "services", "services/family.divorce", "requests", "servicerequestupdates"],
)
def test_jurisdiction_must_match_when_given(client: Client, path: str) -> None:
    get_json(client, path, jurisdiction_id="sanshi")
    get_json(client, path, jurisdiction_id="")  # empty counts as absent
    errors = get_json(client, path, expect=404, jurisdiction_id="sfgov.org")
    assert errors == [{"code": 404, "description": "jurisdiction_id 'sfgov.org' not found"}]


def test_jurisdiction_is_configurable(client: Client, settings: Any) -> None:
    settings.SANSHI_OPEN311_JURISDICTION = "beihai.gov.cn"
    get_json(client, "services", jurisdiction_id="beihai.gov.cn")
    get_json(client, "services", expect=404, jurisdiction_id="sanshi")


# ---------------------------------------------------------------- GET requests and privacy


@pytest.fixture
def places(guangxi: None) -> dict[str, Division]:
    return {
        "township": Division.objects.get(name="东街街道", parent__name="海城区"),
        "county": Division.objects.get(name="海城区"),
    }


def test_request_shows_township_address_and_no_personal_data(
    client: Client, world: World, places: dict[str, Division]
) -> None:
    concern = world.concern(
        subcategory="community.environment",
        division=places["township"],
        community=world.community,
        address="北部湾东路12号3栋",
        reporter_name="李春花",
        reporter_phone="13800000001",
        latitude="21.481234",
        longitude="109.120987",
    )
    [item] = get_json(client, f"requests/{concern.pk}")
    assert item == {
        "service_request_id": str(concern.pk),
        "status": "open",
        "status_notes": "已受理",
        "service_name": "环境卫生与公共安全隐患",
        "service_code": "community.environment",
        "description": None,  # no publish consent
        "agency_responsible": "海城区妇联",
        "service_notice": None,
        "requested_datetime": item["requested_datetime"],
        "updated_datetime": item["updated_datetime"],
        "expected_datetime": None,
        "address": "东街街道, 海城区, 北海市, 广西壮族自治区",
        "address_id": places["township"].code,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }
    assert W3C.match(item["requested_datetime"])
    assert item["requested_datetime"].endswith("+08:00")
    raw = client.get(f"{BASE}/requests/{concern.pk}.xml").content.decode()
    for private in (
        "李春花",
        "13800000001",
        "北部湾东路",
        "北部湾社区",
        "21.48",
        "109.12",
        concern.text,
    ):
        assert private not in raw
        assert private not in json.dumps(item, ensure_ascii=False)


def test_description_only_with_publish_consent(client: Client, world: World) -> None:
    shared = world.concern(
        subcategory="community.venues", publish_consent=True, text="妇女之家周末能不能开放？"
    )
    [item] = get_json(client, f"requests/{shared.pk}")
    assert item["description"] == "妇女之家周末能不能开放？"
    root = get_xml(client, f"requests/{shared.pk}")
    assert root.findtext("request/description") == "妇女之家周末能不能开放？"


@pytest.mark.parametrize(
    "flags",
    [
        {"protected": True, "publish_consent": True},
        {"minor_under_14": True, "guardian_consent": True, "publish_consent": True},
        {"subcategory": "safety.dv_help", "publish_consent": True},
        {"subcategory": "safety.dv_now", "publish_consent": True},  # urgent: critical
        {"urgency": "critical", "publish_consent": True},
    ],
)
def test_protected_requests_never_appear(
    client: Client, world: World, flags: dict[str, Any]
) -> None:
    hidden = world.concern(**flags)
    visible = world.concern()
    get_json(client, f"requests/{hidden.pk}", expect=404)
    get_xml(client, f"requests/{hidden.pk}", expect=404)
    listed = get_json(client, "requests")
    assert [i["service_request_id"] for i in listed] == [str(visible.pk)]
    assert get_json(client, "requests", service_request_id=f"{hidden.pk},{visible.pk}") == listed
    actions.dispatch_concern(hidden, world.community, actor=world.dispatcher)
    updates = get_json(client, "servicerequestupdates")
    assert [u["service_request_id"] for u in updates] == [str(visible.pk)]


def test_stored_payloads_come_back_escaped(client: Client, world: World) -> None:
    payload = "<script>alert('x')</script> & ]]> \x01 '; DROP TABLE concerns_concern; --"
    concern = world.concern(subcategory="feedback.suggestion", publish_consent=True, text=payload)
    [item] = get_json(client, f"requests/{concern.pk}")
    assert item["description"] == payload.strip()
    raw = client.get(f"{BASE}/requests/{concern.pk}.xml").content.decode()
    assert "<script>" not in raw
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; ]]&gt;" in raw
    root = ET.fromstring(raw)  # noqa: S314 - parses: the control character was dropped
    assert root.findtext("request/description") == payload.strip().replace("\x01", "")
    assert Concern.objects.count() == 1


def test_closed_request_updated_datetime_is_its_close_time(client: Client, world: World) -> None:
    concern = replied(world)
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC), tick=False):
        actions.record_follow_up(concern, actor=None, solved=True, satisfaction="satisfied")
    [item] = get_json(client, "requests", service_request_id=str(concern.pk))
    assert item["status"] == "closed"
    assert item["updated_datetime"] == "2026-12-01T17:30:00+08:00"


def test_filters_status_service_code_and_comma_lists(client: Client, world: World) -> None:
    care = world.concern(subcategory="children.childcare")
    venue = world.concern(subcategory="community.venues")
    closed = replied(world, subcategory="feedback.praise")
    actions.record_follow_up(closed, actor=None, solved=True, satisfaction="satisfied")

    def ids(**params: str) -> list[str]:
        return [i["service_request_id"] for i in get_json(client, "requests", **params)]

    assert ids(status="open") == [str(venue.pk), str(care.pk)]
    assert ids(status="closed") == [str(closed.pk)]
    assert ids(status="open,closed") == [str(closed.pk), str(venue.pk), str(care.pk)]
    assert ids(service_code="children.childcare,feedback.praise") == [str(closed.pk), str(care.pk)]
    assert ids(service_code="community.venues", status="closed") == []
    # service_request_id overrides every other argument
    assert ids(service_request_id=f"{care.pk}", status="closed", service_code="x.y") == [
        str(care.pk)
    ]


def test_bad_filters_are_400_or_404(client: Client, world: World) -> None:
    assert get_json(client, "requests", expect=400, **{"status": "pending"}) == [
        {"code": 400, "description": "status 'pending' is not open or closed"}
    ]
    assert get_json(client, "requests", expect=404, service_code="no.such") == [
        {"code": 404, "description": "service_code 'no.such' not found"}
    ]
    assert get_json(client, "requests", expect=400, start_date="2026-11-01")[0]["code"] == 400
    assert (
        get_json(client, "requests", expect=400, start_date="2026-11-01T00:00:00")[0]["code"] == 400
    )
    assert get_json(client, "requests", expect=400, page="0")[0]["code"] == 400
    assert get_json(client, "requests", expect=400, page_size="1001")[0]["code"] == 400
    assert get_json(client, "requests", expect=400, page_size="ten")[0]["code"] == 400


def test_date_window_selects_on_requested_datetime_and_spans_at_most_90_days(
    client: Client, world: World
) -> None:
    with time_machine.travel(dt.datetime(2026, 9, 1, 4, 0, tzinfo=dt.UTC), tick=False):
        old = world.concern()
    with time_machine.travel(dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC), tick=False):
        new = world.concern()

    def ids(**params: str) -> list[str]:
        return [i["service_request_id"] for i in get_json(client, "requests", **params)]

    assert ids(start_date="2026-08-31T00:00:00Z", end_date="2026-09-02T00:00:00+08:00") == [
        str(old.pk)
    ]
    assert ids(start_date="2026-11-20T11:59:59.5+08:00") == [str(new.pk)]  # fractions accepted
    assert ids(start_date="2026-11-20T11:59:00 08:00") == [str(new.pk)]  # '+' decoded as a space
    assert ids(end_date="2026-09-02T00:00:00Z") == [str(old.pk)]
    span = get_json(
        client,
        "requests",
        expect=400,
        start_date="2026-08-01T00:00:00Z",
        end_date="2026-11-01T00:00:00Z",
    )
    assert span == [
        {"code": 400, "description": "start_date and end_date may not span more than 90 days"}
    ]
    reversed_ = get_json(
        client,
        "requests",
        expect=400,
        start_date="2026-11-01T00:00:00Z",
        end_date="2026-10-01T00:00:00Z",
    )
    assert reversed_ == [{"code": 400, "description": "end_date is before start_date"}]
    with time_machine.travel(dt.datetime(2026, 12, 5, tzinfo=dt.UTC), tick=False):
        assert ids() == [str(new.pk)]  # the latest 90 days by default: from 6 September


def test_paging(client: Client, world: World) -> None:
    made = [world.concern() for _ in range(5)]
    newest_first = [str(c.pk) for c in reversed(made)]

    def ids(**params: str) -> list[str]:
        return [i["service_request_id"] for i in get_json(client, "requests", **params)]

    assert ids(page_size="2") == newest_first[:2]
    assert ids(page_size="2", page="2") == newest_first[2:4]
    assert ids(page_size="2", page="3") == newest_first[4:]
    assert ids(page_size="2", page="4") == []


def test_request_list_query_count_does_not_grow(
    client: Client, world: World, places: dict[str, Division], django_assert_num_queries: Any
) -> None:
    for _ in range(4):
        world.concern(division=places["township"])
    with django_assert_num_queries(1):
        assert len(get_json(client, "requests")) == 4


@pytest.mark.parametrize("request_id", ["999999", "abc", "1" * 30])
def test_unknown_request_is_404(client: Client, world: World, request_id: str) -> None:
    body = get_json(client, f"requests/{request_id}", expect=404)
    assert body == [{"code": 404, "description": f"service_request_id {request_id!r} not found"}]


def test_unknown_token_and_unknown_resource_are_404(client: Client) -> None:
    assert get_json(client, "tokens/nope", expect=404) == [
        {"code": 404, "description": "token 'nope' not found"}
    ]
    assert get_json(client, "nothing/here", expect=404)[0]["code"] == 404
    response = client.get(f"{BASE}/services.html")
    assert response.status_code == 404
    assert response["Content-Type"] == XML


# ---------------------------------------------------------------- servicerequestupdates


def test_updates_are_empty_when_nothing_changed(client: Client) -> None:
    assert get_json(client, "servicerequestupdates") == []
    root = get_xml(client, "servicerequestupdates")
    assert root.tag == "service_request_updates"
    assert list(root) == []


def test_updates_after_a_status_change_and_their_window(client: Client, world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC), tick=False):
        concern = world.concern()
    with time_machine.travel(dt.datetime(2026, 11, 21, 1, 0, tzinfo=dt.UTC), tick=False):
        actions.dispatch_concern(concern, world.community, actor=world.dispatcher)
    with time_machine.travel(dt.datetime(2026, 11, 28, tzinfo=dt.UTC), tick=False):
        updates = get_json(client, "servicerequestupdates")
        assert [(u["status"], u["external_status_code"]) for u in updates] == [
            ("for_triage", Status.RECEIVED),
            ("action_scheduled", Status.DISPATCHED),
        ]
        dispatched = updates[1]
        assert dispatched["service_request_id"] == str(concern.pk)
        assert dispatched["updated_datetime"] == "2026-11-21T09:00:00+08:00"
        assert dispatched["description"] == "已派单（北部湾社区妇联）"
        assert dispatched["media_url"] is None
        after = get_json(client, "servicerequestupdates", start_date="2026-11-21T00:00:00Z")
        assert [u["update_id"] for u in after] == [dispatched["update_id"]]
        before = get_json(client, "servicerequestupdates", end_date="2026-11-20T12:00:00Z")
        assert [u["status"] for u in before] == ["for_triage"]
        outside = get_json(client, "servicerequestupdates", start_date="2026-11-22T00:00:00Z")
        assert outside == []
        root = get_xml(client, "servicerequestupdates")
        assert [e.findtext("status") for e in root.findall("request_update")] == [
            "for_triage",
            "action_scheduled",
        ]


def test_updates_never_carry_notes_or_names(client: Client, world: World) -> None:
    replied(world)
    raw = client.get(f"{BASE}/servicerequestupdates.json").content.decode()
    for private in ("内部备注", "社工王芳", "member", "李春花"):
        assert private not in raw
    statuses = [u["status"] for u in json.loads(raw)]
    assert statuses == ["for_triage", "action_scheduled", "in_progress", "fixed"]
