from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from sanshi.accounts.models import Authenticator, BackupCode, BackupCodeSet
from sanshi.accounts.tests.helpers import code_for, enrolled, password_login
from sanshi.accounts.twofactor import provision_demo_device, requires_second_factor
from sanshi.audit.actions import AuditAction
from sanshi.audit.models import AuditEntry
from sanshi.audit.verify import verify_chain
from sanshi.testing import World

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/setup/?next=%2Fconsole%2F"
VERIFY = "/accounts/2fa/?next=%2Fconsole%2F"


def actions_of(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(actor=user).order_by("seq").values_list("action", flat=True)
    )


def test_who_needs_a_second_factor(world: World) -> None:
    admin = get_user_model().objects.create_user(username="admin", password="x", is_staff=True)
    root = get_user_model().objects.create_superuser(username="root", password="x")
    needs = {
        name: requires_second_factor(user)
        for name, user in [
            ("admin", admin),
            ("root", root),
            ("chair", world.chair),
            ("protection", world.protection),
            ("member", world.member),
            ("dispatcher", world.dispatcher),
            ("volunteer", world.volunteer),
            ("leader", world.leader),
            ("city_staff", world.city_staff),
        ]
    }
    assert needs == {
        "admin": True,
        "root": True,
        "chair": True,
        "protection": True,
        "member": False,
        "dispatcher": False,
        "volunteer": False,
        "leader": False,
        "city_staff": False,
    }


def test_a_member_goes_straight_in(world: World) -> None:
    client, status = password_login("member")
    assert status == 302
    assert client.get("/console/").status_code == 200


def test_a_chair_without_an_authenticator_is_sent_to_set_one_up(world: World) -> None:
    client, _ = password_login("chair")
    response = client.get("/console/")
    assert (response.status_code, response["Location"]) == (302, SETUP)
    page = client.get(SETUP)
    body = page.content.decode()
    device = Authenticator.objects.get(user=world.chair, confirmed=False)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    assert page.status_code == 200
    assert f'<code id="totp-secret">{secret}</code>' in body
    assert "<svg" in body
    # Reloading shows the same key, not a new one.
    client.get(SETUP)
    assert Authenticator.objects.filter(user=world.chair).count() == 1

    wrong = client.post(
        SETUP, {"code": "000000" if code_for(device) != "000000" else "111111", "next": "/console/"}
    )
    assert wrong.status_code == 400
    assert Authenticator.objects.get(pk=device.pk).confirmed is False
    # django-otp makes the next try wait after a failure (1 s, then 2, 4, ...).
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)):
        right = client.post(SETUP, {"code": code_for(device), "next": "/console/"})
        # The page after shows the new backup codes (tests in test_backup_codes.py).
        assert right.status_code == 200
        assert right.templates[0].name == "accounts/backup_codes.html"
        assert Authenticator.objects.get(pk=device.pk).confirmed is True
        assert client.get("/console/").status_code == 200
    assert actions_of(world.chair)[-3:] == [
        AuditAction.LOGIN,
        AuditAction.SECOND_FACTOR_FAILED,
        AuditAction.SECOND_FACTOR_ENROLLED,
    ]


def test_a_failed_code_makes_the_next_try_wait(world: World) -> None:
    device = Authenticator.objects.create(user=world.chair, name="phone", confirmed=True)
    client, _ = password_login("chair")
    assert (
        client.post(
            "/accounts/2fa/", {"code": "000000" if code_for(device) != "000000" else "111111"}
        ).status_code
        == 400
    )
    too_soon = client.post("/accounts/2fa/", {"code": code_for(device)})
    assert too_soon.status_code == 400
    assert client.get("/console/").status_code == 302


def test_a_chair_with_an_authenticator_gives_a_code(world: World) -> None:
    device, _ = enrolled(world.chair)
    client, _ = password_login("chair")
    response = client.get("/console/")
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    assert client.get("/console/c/1/").status_code == 302
    refused = client.post("/accounts/2fa/", {"code": "12345", "next": "/console/"})
    assert refused.status_code == 400
    assert "请输入 6 位数字验证码。" in refused.content.decode()
    ok = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/"})
    assert (ok.status_code, ok["Location"]) == (302, "/console/")
    assert client.get("/console/").status_code == 200
    assert actions_of(world.chair)[-1] == AuditAction.SECOND_FACTOR_OK


def test_a_code_cannot_be_used_twice(world: World) -> None:
    device, _ = enrolled(world.protection)
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, 5, tzinfo=dt.UTC), tick=False):
        code = code_for(device)
        first, _ = password_login("protection")
        assert first.post("/accounts/2fa/", {"code": code})["Location"] == "/console/"
        second, _ = password_login("protection")
        replay = second.post("/accounts/2fa/", {"code": code})
    assert replay.status_code == 400
    assert second.get("/console/").status_code == 302
    assert actions_of(world.protection)[-1] == AuditAction.SECOND_FACTOR_FAILED


def test_posts_and_htmx_are_refused_until_the_code(world: World) -> None:
    Authenticator.objects.create(user=world.chair, name="phone", confirmed=True)
    client, _ = password_login("chair")
    post = client.post("/console/dispatch/bulk/", {"ids": ["1"]})
    assert (post.status_code, post["HX-Redirect"]) == (
        403,
        "/accounts/2fa/?next=%2Fconsole%2Fdispatch%2Fbulk%2F",
    )
    assert (post["Content-Type"], post.content.decode()) == (
        "text/plain; charset=utf-8",
        "请先输入动态验证码。",
    )
    htmx = client.get("/console/notifications/", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 403


def test_a_second_authenticator_cannot_be_added_with_the_password_alone(world: World) -> None:
    Authenticator.objects.create(user=world.chair, name="phone", confirmed=True)
    client, _ = password_login("chair")
    response = client.get("/accounts/2fa/setup/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/?")
    assert client.post("/accounts/2fa/setup/", {"code": "123456"}).status_code == 302
    assert Authenticator.objects.filter(user=world.chair).count() == 1


def test_next_never_leaves_the_site(world: World) -> None:
    device, _ = enrolled(world.chair)
    client, _ = password_login("chair")
    response = client.post(
        "/accounts/2fa/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/console/"


def test_switched_off_nobody_is_asked(world: World, settings) -> None:
    settings.SANSHI_2FA_REQUIRED = False
    client, _ = password_login("chair")
    assert client.get("/console/").status_code == 200


def test_demo_device_uri_is_stable_and_its_code_works(world: World) -> None:
    uri = provision_demo_device(world.chair)
    assert uri.startswith("otpauth://totp/sanshi%3Achair?secret=")
    assert uri.endswith("&algorithm=SHA1&digits=6&period=30&issuer=sanshi")
    assert provision_demo_device(world.chair) == uri
    assert Authenticator.objects.filter(user=world.chair).count() == 1
    out = io.StringIO()
    call_command("demo_totp", "chair", stdout=out)
    code = out.getvalue().strip()
    client, _ = password_login("chair")
    # A demo account has no backup codes: the page offering them comes first.
    assert client.post("/accounts/2fa/", {"code": code})["Location"] == (
        "/accounts/2fa/backup-codes/?next=%2Fconsole%2F"
    )


def test_demo_totp_refuses_a_real_authenticator(world: World) -> None:
    Authenticator.objects.create(user=world.chair, name="phone", confirmed=True)
    with pytest.raises(Exception, match="chair: no demo authenticator"):
        call_command("demo_totp", "chair")


def test_reset_removes_the_authenticator_and_backup_codes_and_is_audited(world: World) -> None:
    _, codes = enrolled(world.chair)
    enrolled(world.protection)
    client, _ = password_login("chair")
    assert client.post("/accounts/2fa/backup/", {"backup_code": codes[0]}).status_code == 302
    out = io.StringIO()
    call_command("reset_2fa", "chair", "--reason", "手机丢失", stdout=out)
    assert out.getvalue() == "chair: removed 1 authenticator(s) and 9 unused backup code(s)\n"
    assert Authenticator.objects.filter(user=world.chair).count() == 0
    assert BackupCodeSet.objects.filter(user=world.chair).count() == 0
    assert BackupCode.objects.filter(code_set__user=world.chair).count() == 0
    # Someone else's are untouched.
    assert BackupCode.objects.filter(code_set__user=world.protection, used_at=None).count() == 10
    row = AuditEntry.objects.get(action=AuditAction.SECOND_FACTOR_RESET)
    assert (row.object_id, row.data) == (
        str(world.chair.pk),
        {"devices": 1, "backup_codes": 9, "reason": "手机丢失"},
    )
    # The session verified with a backup code is no longer verified; a backup code no longer
    # works, and the next code page is the setup page.
    assert client.get("/console/")["Location"] == SETUP
    again, _ = password_login("chair")
    refused = again.post("/accounts/2fa/backup/", {"backup_code": codes[1]})
    assert (refused.status_code, refused["Location"]) == (302, "/accounts/2fa/setup/?")
    assert verify_chain().ok is True


def test_signing_out_works_before_the_code(world: World) -> None:
    Authenticator.objects.create(user=world.chair, name="phone", confirmed=True)
    client, _ = password_login("chair")
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/console/login/")
    after = client.get("/console/")
    assert (after.status_code, after["Location"]) == (302, "/console/login/?next=/console/")
