"""Replacing the authenticator (a new phone, or a lost one): the old one works until the new
one is confirmed, so the account is never without one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from sanshi.accounts.models import Authenticator, BackupCode
from sanshi.accounts.tests.helpers import code_for, enrolled, password_login, wrong_code_for
from sanshi.audit.actions import AuditAction
from sanshi.audit.models import AuditEntry
from sanshi.testing import World

pytestmark = pytest.mark.django_db

REPLACE = "/accounts/2fa/replace/?next=%2Fconsole%2Fme%2F"
T0 = dt.datetime(2026, 3, 1, 9, 0, 5, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(seconds=31)  # past the 1 s wait after a wrong code, a new time step
SHOWN = re.compile(r"<li><code>([^<]+)</code></li>")


def _confirmed(user) -> list[int]:
    return list(
        Authenticator.objects.filter(user=user, confirmed=True).values_list("pk", flat=True)
    )


def test_the_old_authenticator_works_until_the_new_one_is_confirmed(world: World) -> None:
    old, old_codes = enrolled(world.chair)
    with time_machine.travel(T0, tick=False):
        client, _ = password_login("chair")
        client.post("/accounts/2fa/", {"code": code_for(old), "next": "/console/"})
        page = client.get(REPLACE)
        assert (page.status_code, "更换验证器" in page.content.decode()) == (200, True)
        new = Authenticator.objects.get(user=world.chair, confirmed=False)
        wrong = client.post(REPLACE, {"code": wrong_code_for(new), "next": "/console/me/"})
        assert wrong.status_code == 400
        assert _confirmed(world.chair) == [old.pk]  # still the old one
    with time_machine.travel(LATER, tick=False):
        done = client.post(REPLACE, {"code": code_for(new), "next": "/console/me/"})
    codes = SHOWN.findall(done.content.decode())
    assert (done.status_code, len(codes)) == (200, 10)
    assert _confirmed(world.chair) == [new.pk]
    assert Authenticator.objects.filter(pk=old.pk).exists() is False
    # The old backup codes went with the old authenticator; ten new ones are unused.
    assert BackupCode.objects.filter(code_set__user=world.chair, used_at=None).count() == 10
    assert not set(old_codes) & set(codes)
    entry = AuditEntry.objects.get(action=AuditAction.SECOND_FACTOR_REPLACED)
    assert (entry.actor_name, entry.data) == (
        "chair",
        {"ip": "10.0.0.1", "replaced": 1, "backup_codes": 10},
    )
    with time_machine.travel(LATER, tick=False):
        assert client.get("/console/me/").status_code == 200


def test_a_lost_phone_is_replaced_after_signing_in_with_a_backup_code(world: World) -> None:
    old, codes = enrolled(world.chair)
    with time_machine.travel(T0, tick=False):
        client, _ = password_login("chair")
        client.post("/accounts/2fa/backup/", {"backup_code": codes[0], "next": "/console/"})
        client.get(REPLACE)
        new = Authenticator.objects.get(user=world.chair, confirmed=False)
        done = client.post(REPLACE, {"code": code_for(new), "next": "/console/me/"})
        assert done.status_code == 200
        assert _confirmed(world.chair) == [new.pk]
        # A fresh sign-in now takes a code from the new authenticator, not the old one.
        again, _ = password_login("chair", ip="10.0.0.2")
        refused = again.post("/accounts/2fa/", {"code": code_for(old), "next": "/console/"})
    with time_machine.travel(LATER, tick=False):
        accepted = again.post("/accounts/2fa/", {"code": code_for(new), "next": "/console/"})
    assert (refused.status_code, accepted.status_code) == (400, 302)


def test_replacing_needs_a_verified_session(world: World) -> None:
    enrolled(world.chair)
    client, _ = password_login("chair")
    response = client.get(REPLACE)
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/2fa/?next=%2Faccounts%2F2fa%2Freplace%2F%3Fnext%3D%252Fconsole%252Fme%252F",
    )
    assert Authenticator.objects.filter(user=world.chair, confirmed=False).count() == 0
    assert AuditEntry.objects.filter(action=AuditAction.SECOND_FACTOR_REPLACED).count() == 0
