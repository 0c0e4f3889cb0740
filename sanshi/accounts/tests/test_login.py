from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from sanshi.accounts.tests.helpers import password_login
from sanshi.audit.actions import AuditAction
from sanshi.audit.models import AuditEntry
from sanshi.audit.verify import verify_chain
from sanshi.testing import World

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def rows(action: str) -> list[tuple[str, str, dict]]:
    return [
        (e.actor_name, e.object_id, e.data)
        for e in AuditEntry.objects.filter(action=action).order_by("seq")
    ]


def test_a_login_is_audited_with_the_address(world: World) -> None:
    _, status = password_login("member", ip="10.1.2.3")
    assert status == 302
    assert rows(AuditAction.LOGIN) == [("member", str(world.member.pk), {"ip": "10.1.2.3"})]


def test_a_failed_login_is_audited_with_the_name_tried(world: World) -> None:
    _, status = password_login("member", password="wrong", ip="10.1.2.3")
    assert status == 200
    assert rows(AuditAction.LOGIN_FAILED) == [
        ("", "member", {"username": "member", "ip": "10.1.2.3", "locked_out": False})
    ]
    assert rows(AuditAction.LOGIN) == []


def test_a_logout_is_audited(world: World) -> None:
    client, _ = password_login("member")
    client.post("/console/logout/")
    assert rows(AuditAction.LOGOUT) == [
        ("member", str(world.member.pk), {"ip": "10.0.0.1", "reason": "signed_out"})
    ]
    assert verify_chain().ok is True


def test_five_failures_lock_the_name_from_that_address(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            password_login("member", password="wrong", ip="10.9.9.9")
        locked = Client(REMOTE_ADDR="10.9.9.9").post(
            "/console/login/", {"username": "member", "password": "pw-for-tests-only"}
        )
        assert locked.status_code == 429
        assert 'id="locked-out"' in locked.content.decode()
        assert "sessionid" not in locked.cookies
        # Another address is not locked out (SANSHI_LOGIN_LOCKOUT_BY=username_and_ip).
        _, elsewhere = password_login("member", ip="10.8.8.8")
        assert elsewhere == 302
    # The fifth failure locks; the try during the lock counts again and renews it.
    assert (
        rows(AuditAction.LOCKED_OUT)
        == [("", "member", {"username": "member", "ip": "10.9.9.9"})] * 2
    )
    assert [d["locked_out"] for _, _, d in rows(AuditAction.LOGIN_FAILED)] == [False] * 4 + [
        True
    ] * 2


def test_the_lock_lifts_after_the_cool_off(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25  # hours
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            password_login("member", password="wrong")
    with time_machine.travel(T0 + dt.timedelta(minutes=14), tick=False):
        assert password_login("member")[1] == 429
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        assert password_login("member")[1] == 302
    assert AccessAttempt.objects.count() == 0  # a success resets the count


def test_the_test_clients_login_without_a_request_still_works(world: World) -> None:
    client = Client()
    assert client.login(username="member", password="pw-for-tests-only") is True
    assert client.get("/console/").status_code == 200


def test_csrf_is_enforced_on_login(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/console/login/", {"username": "member", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 403
    assert rows(AuditAction.LOGIN) == []
