from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from sanshi.accounts.sessions import LAST_SEEN
from sanshi.accounts.tests.helpers import password_login
from sanshi.audit.actions import AuditAction
from sanshi.audit.models import AuditEntry
from sanshi.testing import World

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def logged_in_at(moment: dt.datetime) -> Client:
    with time_machine.travel(moment, tick=False):
        client, status = password_login("member")
    assert status == 302
    return client


def test_a_session_idle_too_long_is_signed_out(world: World) -> None:
    client = logged_in_at(T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=31), tick=False):
        response = client.get("/console/")
    assert (response.status_code, response["Location"]) == (302, "/console/login/?next=/console/")
    logout = AuditEntry.objects.get(action=AuditAction.LOGOUT)
    assert (logout.actor_name, logout.data["reason"]) == ("member", "idle")


def test_activity_keeps_the_session_alive(world: World) -> None:
    client = logged_in_at(T0)
    for minutes in (20, 40, 60):
        with time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/console/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT).count() == 0


def test_activity_is_written_at_most_once_a_minute(world: World) -> None:
    client = logged_in_at(T0)
    stamp = int(T0.timestamp())
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        client.get("/console/")
        assert client.session[LAST_SEEN] == stamp
    with time_machine.travel(T0 + dt.timedelta(seconds=90), tick=False):
        client.get("/console/")
        assert client.session[LAST_SEEN] == stamp + 90


def test_the_idle_limit_is_a_setting(world: World, settings) -> None:
    settings.SANSHI_SESSION_IDLE_MINUTES = 5
    client = logged_in_at(T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=6), tick=False):
        assert client.get("/console/").status_code == 302


def test_session_cookie_flags(world: World, settings) -> None:
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    response = client.post(
        "/console/login/", {"username": "member", "password": "pw-for-tests-only"}
    )
    cookie = response.cookies["sessionid"]
    assert (cookie["httponly"], cookie["secure"], cookie["samesite"], cookie["max-age"]) == (
        True,
        True,
        "Lax",
        "",
    )
