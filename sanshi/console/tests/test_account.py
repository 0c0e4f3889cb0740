"""Signing in and out with the accounts, one's profile and roles, the language switch."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from sanshi.console.tests import helpers as h
from sanshi.testing import World

PASSWORD = "pw-for-tests-only"


def test_login_page_renders_in_chinese(world: World) -> None:
    response = Client().get("/console/login/")
    assert response.status_code == 200
    assert "登录工作台" in response.content.decode()


def test_login_with_the_right_password_goes_home(world: World) -> None:
    client = Client()
    response = client.post("/console/login/", {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_login_with_a_wrong_password_is_refused(world: World) -> None:
    client = Client()
    response = client.post("/console/login/", {"username": "member", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get("/console/").status_code == 302


def test_login_keeps_next(world: World) -> None:
    response = Client().post(
        "/console/login/?next=/console/search/",
        {"username": "member", "password": PASSWORD, "next": "/console/search/"},
    )
    assert response["Location"] == "/console/search/"


def test_logout_is_post_only_and_ends_the_session(world: World) -> None:
    client = h.logged_in(world.member)
    assert client.get("/console/logout/").status_code == 405
    response = client.post("/console/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/"
    assert client.get("/console/").status_code == 302


def test_profile_lists_my_roles(world: World) -> None:
    body = h.logged_in(world.member).get("/console/me/").content.decode()
    assert "<td>北部湾社区妇联</td><td>执委</td><td>2020年1月1日 — 至今</td>" in body


def test_home_needs_login(world: World) -> None:
    response = Client().get("/console/")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/?next=/console/"


def test_english_by_switch(world: World) -> None:
    client = h.logged_in(world.member)
    response = client.post("/console/language/", {"language": "en", "next": "/console/"})
    assert response.status_code == 302
    body = client.get("/console/").content.decode()
    assert '<html lang="en">' in body
    assert "What needs me now" in body
    client.post("/console/language/", {"language": "zh-hans", "next": "/console/"})
    assert "现在需要我处理的" in client.get("/console/").content.decode()


def test_profile_says_how_many_backup_codes_are_left(world: World) -> None:
    from sanshi.accounts.backup_codes import make_backup_codes
    from sanshi.accounts.models import Authenticator, BackupCode

    Authenticator.objects.create(user=world.member, name="authenticator", confirmed=True)
    make_backup_codes(world.member, actor=None, data={})
    first = BackupCode.objects.order_by("pk").values_list("pk", flat=True)[0]
    BackupCode.objects.filter(pk=first).update(used_at=timezone.now())
    body = h.logged_in(world.member).get("/console/me/").content.decode()
    assert "已设置验证器应用。还剩 9 个备用码。" in body
    assert (
        '<a href="/accounts/2fa/backup-codes/?next=/console/me/">查看或重新生成备用码</a>' in body
    )


def test_profile_without_an_authenticator_says_none_is_needed(world: World) -> None:
    body = h.logged_in(world.member).get("/console/me/").content.decode()
    assert "未设置验证器应用：你的角色登录时不需要动态验证码。" in body
    assert "/accounts/2fa/backup-codes/" not in body


def test_profile_second_factor_in_english(world: World) -> None:
    from sanshi.accounts.backup_codes import make_backup_codes
    from sanshi.accounts.models import Authenticator

    Authenticator.objects.create(user=world.member, name="authenticator", confirmed=True)
    make_backup_codes(world.member, actor=None, data={})
    client = h.logged_in(world.member)
    client.post("/console/language/", {"language": "en", "next": "/console/me/"})
    body = client.get("/console/me/").content.decode()
    assert "Authenticator app set up. 10 backup codes left." in body
    assert ">See or renew backup codes</a>" in body
    assert ">Replace the authenticator (new phone)</a>" in body
