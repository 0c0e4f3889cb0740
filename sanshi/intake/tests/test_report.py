from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sanshi.concerns.models import Channel, Concern, LegalBasis, Urgency
from sanshi.concerns.tracking import format_tracking_code
from sanshi.intake.actions import issue_member_card
from sanshi.orgs.models import Membership, Role
from sanshi.testing import World, person_of

pytestmark = pytest.mark.django_db

CARE = "孩子放学后没人照看，想问问社区儿童之家能不能接收"
DANGER = "他现在正拿着刀打我，说要杀了我，我躲在厕所里"


def post(client: Client, **fields: Any) -> Any:
    data: dict[str, Any] = {"text": CARE, "consent": "on"}
    data.update(fields)
    return client.post("/report/", {k: v for k, v in data.items() if v is not None})


def test_form_renders_with_labels_and_no_external_assets(client: Client, world: World) -> None:
    response = client.get("/report/")
    page = response.content.decode()
    assert response.status_code == 200
    for field in (
        "text",
        "subcategory",
        "community",
        "address",
        "name",
        "phone",
        "anonymous",
        "minor_under_14",
        "guardian_consent",
        "consent",
        "publish_consent",
    ):
        assert f'for="id_{field}"' in page
        assert f'id="id_{field}"' in page
    assert "http://" not in page and "https://" not in page  # everything served by the app
    assert "《个人信息保护法》" in page
    assert '<option value="safety.dv_now">正在发生或有现实危险的家庭暴力</option>' in page


def test_division_picker_lists_beihai_townships_by_county(
    client: Client, world: World, guangxi: None
) -> None:
    page = client.get("/report/").content.decode()
    assert "广西壮族自治区 › 北海市" in page
    assert '<optgroup label="海城区">' in page
    assert '<option value="450502002">东街街道</option>' in page
    assert '<option value="450500" selected>北海市</option>' in page
    # The GET step: another city of Guangxi
    nanning = client.get("/report/", {"province": "450000", "city": "450100"}).content.decode()
    assert "广西壮族自治区 › 南宁市" in nanning
    assert '<option value="450502002">东街街道</option>' not in nanning
    # A whole province has too many townships for one select: choose a city first
    province = client.get("/report/", {"province": "450000"}).content.decode()
    assert 'id="id_township"' not in province


def test_submit_then_confirmation_with_code_and_deadlines(
    client: Client, world: World, guangxi: None
) -> None:
    response = post(
        client,
        township="450502002",
        community=str(world.community.pk),
        area="450500",
        address="北部湾东路12号",
        name="李春花",
        phone="138 0000 0001",
    )
    assert response.status_code == 302
    assert response["Location"] == "/report/done/"
    concern = Concern.objects.get()
    assert (concern.channel, concern.reporter_name, concern.reporter_phone, concern.anonymous) == (
        Channel.WEB,
        "李春花",
        "13800000001",
        False,
    )
    assert concern.division is not None and concern.division.code == "450502002"
    assert concern.community == world.community
    assert concern.address == "广西壮族自治区 北海市 海城区 东街街道 北部湾社区 北部湾东路12号"
    assert (concern.legal_basis, concern.consent_version) == (LegalBasis.CONSENT, "2026-11")
    page = client.get("/report/done/").content.decode()
    code = format_tracking_code(concern.tracking_code)
    assert '<span class="code" id="tracking-code"' in page and code in page
    assert f'href="/track/{concern.tracking_code}/"' in page
    assert "办理并答复" in page
    assert "工作人员联系您" in page
    assert "110" not in page.split("<footer")[0]  # no danger: no emergency block


def test_danger_shows_emergency_numbers_first_and_needs_no_consent(
    client: Client, world: World
) -> None:
    response = post(client, text=DANGER, consent=None)
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.urgency == Urgency.CRITICAL
    assert concern.legal_basis == LegalBasis.EMERGENCY
    page = client.get("/report/done/").content.decode()
    body = page.split("<body>", 1)[1]
    assert body.lstrip().startswith(
        '<div class="urgent-wrap"><section class="emergency" role="alert"'
    )
    # A knife and a threat: the police first, then the women's rights line.
    assert re.findall(r'<a href="tel:(\d+)">', body) == ["110", "12338"]
    assert (
        body.index("tel:110")
        < body.index("<header")
        < body.index(format_tracking_code(concern.tracking_code))
    )


def test_missing_text_and_consent_are_field_errors(client: Client, world: World) -> None:
    response = post(client, text="   ", consent=None)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_text_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_text_helptext id_text_error"' in page
    assert Concern.objects.count() == 0
    response = post(client, consent=None)
    assert response.status_code == 400
    assert 'id="id_consent_error"' in response.content.decode()
    assert Concern.objects.count() == 0


def test_too_long_text_and_bad_phone_are_rejected(client: Client, world: World) -> None:
    response = post(client, text="很" * 4001, phone="call me")
    page = response.content.decode()
    assert response.status_code == 400
    assert "最多 4000 字。" in page
    assert "请填写有效的电话号码" in page
    assert Concern.objects.count() == 0


def test_under_14_needs_the_guardian(client: Client, world: World) -> None:
    response = post(client, minor_under_14="on")
    assert response.status_code == 400
    assert 'id="id_guardian_consent_error"' in response.content.decode()
    assert Concern.objects.count() == 0
    assert post(client, minor_under_14="on", guardian_consent="on").status_code == 302
    concern = Concern.objects.get()
    assert (concern.minor_under_14, concern.guardian_consent, concern.protected) == (
        True,
        True,
        True,
    )


def test_anonymous_drops_name_and_phone(client: Client, world: World) -> None:
    assert post(client, anonymous="on", name="李春花", phone="13800000001").status_code == 302
    concern = Concern.objects.get()
    assert (concern.anonymous, concern.reporter_name, concern.reporter_phone) == (True, "", "")
    page = client.get("/report/done/").content.decode()
    assert "您没有留下电话" in page


def test_control_characters_and_markup_are_stored_as_text(client: Client, world: World) -> None:
    refused = post(client, text="求助\x00")  # PostgreSQL cannot store NUL: a field error, not a 500
    assert refused.status_code == 400
    assert 'id="id_text_error"' in refused.content.decode()
    assert post(client, text="<img src=x onerror=alert(1)>\x01求助").status_code == 302
    concern = Concern.objects.get()
    assert concern.text == "<img src=x onerror=alert(1)>求助"
    page = client.get(f"/track/{concern.tracking_code}/").content.decode()
    assert "<img src=x" not in page


def test_member_card_tags_the_concern(client: Client, world: World) -> None:
    membership = Membership.objects.get(person=person_of(world.member), role=Role.COMMITTEE_MEMBER)
    card = issue_member_card(membership)
    assert post(client, card=card.code, community=str(world.community.pk)).status_code == 302
    concern = Concern.objects.get()
    assert (concern.channel, concern.member, concern.community) == (
        Channel.MEMBER_CARD,
        membership.person,
        world.community,
    )


def test_per_ip_rate_limit(client: Client, world: World, settings: Any) -> None:
    settings.SANSHI_INTAKE_IP_RATE = 2
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    blocked = post(client)
    assert blocked.status_code == 429
    assert 1 <= int(blocked["Retry-After"]) <= 3601
    assert Concern.objects.count() == 2
    assert post(Client(REMOTE_ADDR="10.1.1.1")).status_code == 302


def test_per_phone_rate_limit(client: Client, world: World, settings: Any) -> None:
    settings.SANSHI_INTAKE_PHONE_RATE = 1
    assert post(client, phone="13800000001").status_code == 302
    other = Client(REMOTE_ADDR="10.2.2.2")
    blocked = post(other, phone="138-0000-0001")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) >= 1
    assert Concern.objects.count() == 1
    assert post(other, phone="13900000002").status_code == 302


def test_confirmation_without_a_submission_goes_to_the_form(client: Client, world: World) -> None:
    response = client.get("/report/done/")
    assert response.status_code == 302
    assert response["Location"] == "/report/"


def test_the_same_form_sent_twice_makes_one_concern(client: Client, world: World) -> None:
    page = client.get("/report/").content.decode()
    once = page.split('name="once" value="', 1)[1].split('"', 1)[0]
    assert len(once) == 22
    first = post(client, once=once)
    again = post(Client(), once=once)  # e.g. a resend after the connection dropped
    assert (first.status_code, again.status_code) == (302, 302)
    assert Concern.objects.count() == 1
    code = format_tracking_code(Concern.objects.get().tracking_code)
    assert code in client.get("/report/done/").content.decode()


def test_a_form_with_errors_can_be_sent_again(client: Client, world: World) -> None:
    assert post(client, once="form-1", consent=None).status_code == 400
    assert post(client, once="form-1").status_code == 302
    assert Concern.objects.count() == 1


def test_oversized_body_is_413_not_500(client: Client, world: World, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, text="长" * 2000)
    assert response.status_code == 413
    assert Concern.objects.count() == 0


def test_home_page_has_the_report_button_and_track_box(client: Client) -> None:
    page = client.get("/").content.decode()
    assert '<a class="button" href="/report/">我要反映</a>' in page
    assert '<form action="/track/" method="get">' in page
    assert '<label for="track-code">' in page
