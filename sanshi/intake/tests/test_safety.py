"""Safety on the residents' side: anyone may report harm to a child, the line that fits the
danger, the quick exit on every page, and the community list that follows the township."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sanshi.concerns.actions import minor_consent_problem
from sanshi.concerns.models import Concern, LegalBasis, Urgency
from sanshi.intake.actions import create_open311_key, issue_member_card
from sanshi.orgs.models import Membership, Org, Role
from sanshi.testing import World

pytestmark = pytest.mark.django_db

BEATEN = "隔壁家的小孩才8岁，天天被他爸用皮带打"
SUICIDE = "我不想活了，药已经准备好了，跟大家说声再见"
CARE = "孩子放学后没人照看，想问问社区儿童之家能不能接收"
REFUSAL_ZH = (
    "涉及未满14周岁的孩子，需要监护人同意。邻居、老师、亲属等知情人反映孩子受到伤害的，"
    "请注明您是知情人，无需监护人同意。"
)
REFUSAL_EN = (
    "A concern about a child under 14 needs the guardian's consent. A neighbour, teacher, "
    "relative or anyone else who reports harm to a child should say they are a third party: "
    "no guardian's consent is needed then."
)


def post(client: Client, headers: dict[str, str] | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {"text": CARE, "consent": "on"}
    data.update(fields)
    return client.post(
        "/report/", {k: v for k, v in data.items() if v is not None}, headers=headers or {}
    )


def tel_numbers(page: str) -> list[str]:
    return re.findall(r'<a href="tel:(\d+)">', page)


# ---------------------------------------------------------------- anyone may report harm to a child


def test_a_neighbour_reports_a_beaten_child_without_the_guardian(
    client: Client, world: World
) -> None:
    response = post(client, text=BEATEN, minor_under_14="on", reporter="third_party")
    assert (response.status_code, response["Location"]) == (302, "/report/done/")
    concern = Concern.objects.get()
    assert (concern.minor_under_14, concern.guardian_consent, concern.legal_basis) == (
        True,
        False,
        LegalBasis.STATUTORY_DUTY,
    )
    assert (concern.urgency, concern.protected) == (Urgency.CRITICAL, True)


def test_a_neighbour_needs_neither_the_guardian_nor_the_consent_box(
    client: Client, world: World
) -> None:
    # Not (yet) seen as danger: the duty to protect a child stands in for consent all the same.
    response = post(
        client,
        text="邻居家的孩子经常一个人在家，饭也吃不上",
        consent=None,
        minor_under_14="on",
        reporter="third_party",
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.legal_basis, concern.guardian_consent, concern.consent_version) == (
        LegalBasis.STATUTORY_DUTY,
        False,
        "",
    )


def test_the_guardians_own_report_is_the_guardians_consent(client: Client, world: World) -> None:
    assert post(client, minor_under_14="on", reporter="guardian").status_code == 302
    concern = Concern.objects.get()
    assert (concern.legal_basis, concern.guardian_consent) == (LegalBasis.CONSENT, True)


def test_the_person_concerned_under_14_needs_the_guardian_in_chinese(
    client: Client, world: World
) -> None:
    response = post(client, minor_under_14="on", reporter="self")
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        f'<ul class="errorlist" id="id_guardian_consent_error"><li>{REFUSAL_ZH}</li></ul>' in page
    )
    assert Concern.objects.count() == 0


def test_the_refusal_is_in_english_for_a_visitor_who_reads_english(
    client: Client, world: World
) -> None:
    response = post(client, headers={"accept-language": "en"}, minor_under_14="on")
    page = response.content.decode()
    assert response.status_code == 400
    assert REFUSAL_EN.replace("'", "&#x27;") in page
    assert "涉及未满14周岁" not in page
    assert Concern.objects.count() == 0


def test_danger_to_a_child_reported_by_herself_is_taken_in_as_an_emergency(
    client: Client, world: World
) -> None:
    # Consent ticked, no guardian: before issue 19 this was refused in English.
    response = post(client, text="我爸爸天天用皮带打我，我才10岁，好害怕", minor_under_14="on")
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.legal_basis, concern.urgency) == (LegalBasis.EMERGENCY, Urgency.CRITICAL)


def test_the_consent_rule_speaks_the_visitors_language() -> None:
    refused = {"minor_under_14": True, "legal_basis": LegalBasis.CONSENT, "guardian_consent": False}
    with translation.override("zh-hans"):
        assert minor_consent_problem(**refused) == REFUSAL_ZH
    with translation.override("en"):
        assert minor_consent_problem(**refused) == REFUSAL_EN
    for allowed in (
        {"guardian_consent": True},
        {"legal_basis": LegalBasis.STATUTORY_DUTY},
        {"legal_basis": LegalBasis.EMERGENCY},
        {"minor_under_14": False},
    ):
        assert minor_consent_problem(**{**refused, **allowed}) == ""


# ---------------------------------------------------------------- the same through Open311


@pytest.fixture
def key(world: World) -> str:
    return create_open311_key("fixmystreet").raw


def open311(
    client: Client, key: str, headers: dict[str, str] | None = None, **attributes: str
) -> Any:
    from urllib.parse import urlencode

    fields = {
        "api_key": key,
        "service_code": "children.abuse",
        "address_string": "北海市海城区东街街道",
        "description": BEATEN,
        "attribute[minor_under_14]": "true",
    }
    fields.update({f"attribute[{k}]": v for k, v in attributes.items()})
    return client.post(
        "/open311/v2/requests.json",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
        headers=headers or {},
    )


@pytest.mark.parametrize(("language", "message"), [("zh-hans", REFUSAL_ZH), ("en", REFUSAL_EN)])
def test_open311_refuses_a_childs_concern_without_the_guardian_in_the_callers_language(
    client: Client, key: str, language: str, message: str
) -> None:
    response = open311(client, key, headers={"accept-language": language})
    assert response.status_code == 400
    assert json.loads(response.content) == [
        {"code": 400, "description": message},
        {"code": 400, "description": "guardian_consent: required"},
    ]
    assert Concern.objects.count() == 0


def test_open311_takes_a_third_partys_report_about_a_child(client: Client, key: str) -> None:
    assert open311(client, key, reporter_relation="third_party").status_code == 201
    assert open311(client, key, reporter_relation="guardian").status_code == 201
    neighbour, guardian = Concern.objects.order_by("pk")
    assert (neighbour.legal_basis, neighbour.guardian_consent) == (LegalBasis.STATUTORY_DUTY, False)
    assert (guardian.legal_basis, guardian.guardian_consent) == (LegalBasis.CONSENT, True)


def test_open311_lists_the_reporter_relation_attribute(client: Client, world: World) -> None:
    definition = json.loads(client.get("/open311/v2/services/children.abuse.json").content)
    relation = [a for a in definition["attributes"] if a["code"] == "reporter_relation"]
    assert [v["key"] for v in relation[0]["values"]] == ["self", "guardian", "third_party"]
    assert relation[0]["required"] is False


# ---------------------------------------------------------------- the line that fits


def test_a_suicide_text_shows_the_psychological_line_on_the_receipt_and_tracking_pages(
    client: Client, world: World
) -> None:
    assert post(client, text=SUICIDE).status_code == 302
    receipt = client.get("/report/done/").content.decode()
    assert tel_numbers(receipt) == ["12356", "12338"]
    assert "12356</a> 心理援助热线" in receipt
    code = Concern.objects.get().tracking_code
    track = client.get(f"/track/{code}/", headers={"accept-language": "en"}).content.decode()
    assert tel_numbers(track) == ["12356", "12338"]
    assert "12356</a> psychological assistance hotline" in track


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("孩子放学后一直没回家，找不到了，电话也打不通", ["110", "12338"]),
        ("我妈突然倒地不省人事，叫不醒", ["120", "12338"]),
        ("他现在正拿着刀打我，说要杀了我，我躲在厕所里", ["110", "12338"]),
    ],
)
def test_each_danger_shows_the_line_that_fits(
    client: Client, world: World, text: str, numbers: list[str]
) -> None:
    assert post(client, text=text).status_code == 302
    assert tel_numbers(client.get("/report/done/").content.decode()) == numbers


def test_no_danger_no_lines_box(client: Client, world: World) -> None:
    assert post(client).status_code == 302
    receipt = client.get("/report/done/").content.decode()
    track = client.get(f"/track/{Concern.objects.get().tracking_code}/").content.decode()
    assert ('class="emergency"' in receipt, 'class="emergency"' in track) == (False, False)


# ---------------------------------------------------------------- quick exit


def test_quick_exit_forgets_the_visit_and_leaves_for_a_neutral_site(
    client: Client, world: World
) -> None:
    assert post(client).status_code == 302
    assert client.get("/report/done/").status_code == 200
    response = client.get("/exit/")
    assert (response.status_code, response["Location"]) == (302, "https://www.baidu.com/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    # The receipt is gone with the session.
    after = client.get("/report/done/")
    assert (after.status_code, after["Location"]) == (302, "/report/")


def test_every_public_page_has_the_quick_exit(client: Client, world: World) -> None:
    card = issue_member_card(
        Membership.objects.get(org=world.community, role=Role.COMMITTEE_MEMBER)
    )
    assert post(client).status_code == 302
    code = Concern.objects.get().tracking_code
    pages = [
        "/",
        "/report/",
        "/report/done/",
        "/track/",
        "/track/?code=AAAA-BBBB",
        f"/track/{code}/",
        "/track/XXXX-XXXX-XX/",
        f"/m/{card.code}/",
        f"/m/{card.code}/print/",
        "/m/nosuchcard/",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert page.count('<a class="quick-exit" id="quick-exit" href="/exit/"') == 1, url
        assert page.count('<script src="/static/intake/exit.js" defer></script>') == 1, url
        assert "<script>" not in page, url  # no inline script (CSP)


def test_error_pages_have_the_quick_exit_too(client: Client, world: World, rf: Any) -> None:
    from django.views.defaults import server_error

    missing = client.get("/no-such-page/")
    expired = Client(enforce_csrf_checks=True).post("/report/", {"text": CARE})
    broken = server_error(rf.get("/report/"))
    assert (missing.status_code, expired.status_code, broken.status_code) == (404, 403, 500)
    for response, title in (
        (missing, "没有找到这个页面"),
        (expired, "页面已过期"),
        (broken, "出错了"),
    ):
        page = response.content.decode()
        assert f"<h1>{title}</h1>" in page
        assert page.count('<a class="quick-exit" id="quick-exit" href="/exit/"') == 1


def test_quick_exit_in_english(client: Client) -> None:
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert 'title="Leave this site at once (or press Esc twice)">Quick exit</a>' in page


# ---------------------------------------------------------------- the community list


def test_the_form_knows_each_townships_communities(
    client: Client, world: World, two_townships: dict[str, Org]
) -> None:
    page = client.get("/report/").content.decode()
    found = re.search(
        r'<script id="community-townships" type="application/json">(.*?)</script>', page
    )
    assert found is not None
    mine = sorted([str(world.community.pk), str(world.other_community.pk)])
    by_township = {k: sorted(v) for k, v in json.loads(found.group(1)).items()}
    assert by_township == {"450502002": mine, "450502001": [str(two_townships["wudi"].pk)]}
    assert '<script src="/static/intake/picker.js" defer></script>' in page
    # Without the script every community is offered, grouped by township.
    assert '<optgroup label="中街街道妇联">' in page and '<optgroup label="东街街道妇联">' in page


def test_a_community_outside_the_township_chosen_is_refused(
    client: Client, world: World, two_townships: dict[str, Org]
) -> None:
    response = post(client, township="450502002", community=str(two_townships["wudi"].pk))
    assert response.status_code == 400
    assert "所选村/社区不在所选乡镇/街道，请重新选择。" in response.content.decode()
    assert Concern.objects.count() == 0


# ---------------------------------------------------------------- a community named in the text


def test_a_community_named_in_the_text_receives_the_concern(
    client: Client, world: World, two_townships: dict[str, Org]
) -> None:
    Membership.objects.filter(org=world.community, role=Role.DISPATCHER).delete()
    text = "我是北部湾社区的居民，楼下邻居天天半夜装修，找物业也没用"
    assert post(client, text=text).status_code == 302
    concern = Concern.objects.get()
    assert concern.community == world.community
    assert concern.triage["route"]["community"] == {"code": "", "name": "北部湾社区"}
