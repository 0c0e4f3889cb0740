"""The volunteers' pages over HTTP: public registration, look-up, verification; staff pages."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import load_workbook

from sanshi.audit.models import AuditEntry
from sanshi.testing import World
from sanshi.volunteers import actions
from sanshi.volunteers.exports import COLUMNS
from sanshi.volunteers.models import Certificate, ServiceRecord, Volunteer
from sanshi.volunteers.tests.conftest import id_number

pytestmark = pytest.mark.django_db
YESTERDAY = dt.date.today() - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_rate_counters() -> None:
    cache.clear()


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _certified(world: World, volunteer: Volunteer) -> Certificate:
    r = actions.record_service(
        volunteer, actor=world.member, activity="儿童之家课业辅导", served_on=YESTERDAY, hours="2.5"
    )
    actions.confirm_service(r, actor=world.chair)
    return actions.issue_certificate(volunteer, actor=world.chair)


def test_a_resident_registers_and_bad_input_is_explained(world: World) -> None:
    client = Client()
    form = client.get("/volunteers/join/").content.decode()
    assert "北部湾社区" in form
    data = {
        "name": "黄丽萍",
        "phone": "13900002222",
        "id_number": "450502199003011230",
        "community": world.community.pk,
        "availability": "weekend",
        "consent": "on",
    }
    bad = client.post("/volunteers/join/", data)
    assert bad.status_code == 400
    assert "not a valid resident ID number" in bad.content.decode()
    assert Volunteer.objects.count() == 0
    ok = client.post("/volunteers/join/", {**data, "id_number": id_number(7), "skills": ["law"]})
    assert ok.status_code == 302
    assert ok["Location"] == "/volunteers/join/done/"
    v = Volunteer.objects.get()
    assert (v.name, v.org, v.status, v.skills) == ("黄丽萍", world.community, "pending", "law")


def test_a_volunteer_finds_only_her_own_record(world: World, volunteer: Volunteer) -> None:
    certificate = _certified(world, volunteer)
    client = Client()
    wrong = client.post("/volunteers/me/", {"phone": "13900002222", "id_number": id_number(8)})
    assert wrong.status_code == 400
    assert "黄丽萍" not in wrong.content.decode()
    mine = client.post(
        "/volunteers/me/", {"phone": "139 0000 2222", "id_number": id_number(7)}, follow=True
    )
    page = mine.content.decode()
    assert "累计 2.5 小时" in page
    assert certificate.number in page
    pdf = client.get(f"/volunteers/me/certificates/{certificate.number}.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    body = pdf.content
    assert body.startswith(b"%PDF-")
    assert f"({certificate.number})".encode() in body
    assert f"/verify/{certificate.token}/".encode() in body
    stranger = Client()
    assert stranger.get(f"/volunteers/me/certificates/{certificate.number}.pdf").status_code == 404


def test_a_stranger_verifies_a_certificate_by_qr_or_number(
    world: World, volunteer: Volunteer
) -> None:
    certificate = _certified(world, volunteer)
    client = Client()
    page = client.get(f"/volunteers/verify/{certificate.token}/").content.decode()
    assert "真实有效，与服务记录相符" in page
    assert "黄**" in page
    assert "黄丽萍" not in page
    assert "2.5" in page
    found = client.post("/volunteers/verify/", {"number": certificate.number.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/volunteers/verify/{certificate.token}/"
    missing = client.post("/volunteers/verify/", {"number": "JG2026-NOSUCH00"})
    assert missing.status_code == 404
    assert client.get("/volunteers/verify/not-a-token/").status_code == 404


@pytest.mark.parametrize("who", ["volunteer", "leader", "outside_member"])
def test_others_cannot_open_review_record_or_certify(
    world: World, volunteer: Volunteer, who: str
) -> None:
    certificate = _certified(world, volunteer)
    client = _as(getattr(world, who))
    before = (
        ServiceRecord.objects.count(),
        Certificate.objects.count(),
        AuditEntry.objects.count(),
    )
    assert client.get(f"/volunteers/staff/{volunteer.pk}/").status_code == 404
    assert client.get(f"/volunteers/staff/certificates/{certificate.pk}.pdf").status_code == 404
    posted = client.post(
        f"/volunteers/staff/{volunteer.pk}/service/",
        {"activity": "x", "served_on": YESTERDAY.isoformat(), "hours": "2"},
    )
    assert posted.status_code == 404
    assert client.post(f"/volunteers/staff/{volunteer.pk}/certificate/").status_code == 404
    home = client.get("/volunteers/staff/").content.decode()
    assert "黄丽萍" not in home
    assert (
        ServiceRecord.objects.count(),
        Certificate.objects.count(),
        AuditEntry.objects.count(),
    ) == before


def test_the_export_has_the_national_columns_and_is_audited(
    world: World, volunteer: Volunteer
) -> None:
    _certified(world, volunteer)
    response = _as(world.chair).get(f"/volunteers/staff/export.xlsx?year={YESTERDAY.year}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert rows[1][:8] == (
        "黄丽萍",
        "居民身份证",
        id_number(7),
        "13900002222",
        "女",
        "儿童之家课业辅导",
        YESTERDAY.isoformat(),
        2.5,
    )
    assert len(rows) == 2
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (last.action, last.data["rows"]) == ("export", 1)
    assert _as(world.member).get("/volunteers/staff/export.xlsx").status_code == 403


def test_without_a_chinese_font_the_certificate_says_so(
    world: World, volunteer: Volunteer, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from sanshi.volunteers import certificate as drawing

    certificate = _certified(world, volunteer)
    monkeypatch.setattr(drawing, "FONT_CANDIDATES", ())  # a machine without the Debian font
    settings.SANSHI_CERTIFICATE_FONT = "/nonexistent/font.ttf"
    response = _as(world.chair).get(f"/volunteers/staff/certificates/{certificate.pk}.pdf")
    assert response.status_code == 503
    assert "fonts-wqy-microhei" in response.content.decode()


def test_the_public_pages_speak_english_when_asked(world: World) -> None:
    page = Client().get("/volunteers/join/", headers={"Accept-Language": "en"}).content.decode()
    assert "Register as a women volunteer" in page
    assert "Tutoring" in page


def test_hours_for_a_concern_are_linked_to_it_by_its_tracking_code(
    world: World, volunteer: Volunteer
) -> None:
    from sanshi.console.tests.helpers import dispatched

    concern = dispatched(world)
    client = _as(world.member)
    day = YESTERDAY.isoformat()
    wrong = client.post(
        f"/volunteers/staff/{volunteer.pk}/service/",
        {"activity": "陪同办理", "served_on": day, "hours": "2", "concern_code": "ABCD-EFGH-JKLM"},
    )
    assert wrong.status_code == 400
    assert ServiceRecord.objects.count() == 0
    ok = client.post(
        f"/volunteers/staff/{volunteer.pk}/service/",
        {
            "activity": "陪同办理",
            "served_on": day,
            "hours": "2",
            "concern_code": concern.tracking_code.lower(),
        },
    )
    assert ok.status_code == 302
    assert ServiceRecord.objects.get().concern_id == concern.pk


def test_she_leaves_her_record_on_a_shared_phone(world: World, volunteer: Volunteer) -> None:
    client = Client()
    client.post("/volunteers/me/", {"phone": "13900002222", "id_number": id_number(7)})
    assert "累计" in client.get("/volunteers/me/").content.decode()
    assert client.post("/volunteers/me/forget/").status_code == 302
    page = client.get("/volunteers/me/").content.decode()
    assert "累计" not in page
    assert 'id="lookup-form"' in page
