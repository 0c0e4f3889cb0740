"""Backup codes: shown once, one use each, only keyed hashes stored, audited, renewable."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, RequestFactory

from sanshi.accounts.backup_codes import verify_backup_code
from sanshi.accounts.models import (
    BACKUP_ALPHABET,
    Authenticator,
    BackupCode,
    BackupCodeSet,
    normalise_backup_code,
)
from sanshi.accounts.tests.helpers import code_for, enrolled, password_login
from sanshi.audit.actions import AuditAction
from sanshi.audit.models import AuditEntry
from sanshi.audit.verify import verify_chain
from sanshi.core.crypto import blind_index
from sanshi.testing import World, run_at_once

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 9, 0, 5, tzinfo=dt.UTC)
SETUP = "/accounts/2fa/setup/?next=%2Fconsole%2F"
BACKUP = "/accounts/2fa/backup/"
PAGE = "/accounts/2fa/backup-codes/"
CODE_SHAPE = re.compile(f"^[{BACKUP_ALPHABET}]{{4}}-[{BACKUP_ALPHABET}]{{4}}$")
SHOWN = re.compile(r"<li><code>([^<]+)</code></li>")


def rows(action: str) -> list[tuple[str, str, dict]]:
    return [
        (e.actor_name, e.object_id, e.data)
        for e in AuditEntry.objects.filter(action=action).order_by("seq")
    ]


def unused(user) -> int:
    return BackupCode.objects.filter(code_set__user=user, used_at=None).count()


def stored_anywhere(codes: list[str]) -> list[str]:
    """Codes found in clear (as shown or normalised) in the digests, the audit or sessions."""
    digests = set(BackupCode.objects.values_list("digest", flat=True))
    audit = json.dumps(list(AuditEntry.objects.values_list("data", flat=True)))
    sessions = " ".join(s.get_decoded().__repr__() for s in Session.objects.all())
    return [
        code
        for code in codes
        for form in (code, normalise_backup_code(code))
        if form in digests or form in audit or form in sessions
    ]


def test_codes_are_shown_once_after_setup(world: World) -> None:
    client, _ = password_login("chair")
    client.get(SETUP)
    device = Authenticator.objects.get(user=world.chair)
    page = client.post(SETUP, {"code": code_for(device), "next": "/console/"})
    body = page.content.decode()
    codes = SHOWN.findall(body)
    assert page.status_code == 200
    assert (len(codes), len(set(codes))) == (10, 10)
    assert [bool(CODE_SHAPE.match(c)) for c in codes] == [True] * 10
    assert "备用码只显示这一次" in body
    assert '<a class="button primary" href="/console/">' in body
    assert unused(world.chair) == 10
    assert sorted(BackupCode.objects.values_list("digest", flat=True)) == sorted(
        blind_index(normalise_backup_code(c), "2fa_backup_code") for c in codes
    )
    assert stored_anywhere(codes) == []
    assert rows(AuditAction.SECOND_FACTOR_ENROLLED) == [
        ("chair", str(world.chair.pk), {"ip": "10.0.0.1", "backup_codes": 10})
    ]
    # Never again: the setup page now sends to the code page, and the codes page only counts.
    assert client.get(SETUP).status_code == 302
    later = client.get(PAGE).content.decode()
    assert SHOWN.findall(later) == []
    assert "您还有 10 个未用的备用码。" in later
    assert [c for c in codes if c in later] == []


def test_a_backup_code_signs_in_once(world: World) -> None:
    _, codes = enrolled(world.chair)
    client, _ = password_login("chair")
    page = client.get("/accounts/2fa/?next=%2Fconsole%2F").content.decode()
    assert '<label for="id_backup_code">备用码</label>' in page
    assert f'<form method="post" action="{BACKUP}">' in page
    typed = codes[3].upper().replace("-", " ")  # as someone might type it
    ok = client.post(BACKUP, {"backup_code": typed, "next": "/console/"})
    assert (ok.status_code, ok["Location"]) == (302, "/console/")
    assert client.get("/console/").status_code == 200
    assert unused(world.chair) == 9
    assert rows(AuditAction.SECOND_FACTOR_BACKUP_USED) == [
        ("chair", str(world.chair.pk), {"ip": "10.0.0.1", "left": 9})
    ]

    other, _ = password_login("chair", ip="10.0.0.2")
    replay = other.post(BACKUP, {"backup_code": codes[3], "next": "/console/"})
    assert replay.status_code == 400
    assert "备用码不正确或已用过" in replay.content.decode()
    assert '<details class="step" id="use-backup-code" open>' in replay.content.decode()
    assert other.get("/console/").status_code == 302
    assert (unused(world.chair), rows(AuditAction.SECOND_FACTOR_FAILED)) == (
        9,
        [("chair", str(world.chair.pk), {"ip": "10.0.0.2", "method": "backup_code"})],
    )
    assert verify_chain().ok is True


def test_a_wrong_backup_code_fails_is_audited_and_slows_the_next_try(world: World) -> None:
    _, codes = enrolled(world.chair)
    wrong = next(c for c in ("aaaa-aaaa", "bbbb-bbbb") if c not in codes)
    with time_machine.travel(T0, tick=False):
        client, _ = password_login("chair")
        refused = client.post(BACKUP, {"backup_code": wrong, "next": "/console/"})
        assert refused.status_code == 400
        too_soon = client.post(BACKUP, {"backup_code": codes[0], "next": "/console/"})
        assert too_soon.status_code == 400
    assert (
        rows(AuditAction.SECOND_FACTOR_FAILED)
        == [("chair", str(world.chair.pk), {"ip": "10.0.0.1", "method": "backup_code"})] * 2
    )
    # The try while held back is refused without looking at the code, and not counted again.
    assert BackupCodeSet.objects.get(user=world.chair).throttling_failure_count == 1
    assert unused(world.chair) == 10
    with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
        ok = client.post(BACKUP, {"backup_code": codes[0], "next": "/console/"})
    assert (ok.status_code, ok["Location"]) == (302, "/console/")
    assert BackupCodeSet.objects.get(user=world.chair).throttling_failure_count == 0


def test_a_malformed_backup_code_is_refused_by_the_form(world: World) -> None:
    enrolled(world.chair)
    client, _ = password_login("chair")
    refused = client.post(BACKUP, {"backup_code": "abc-0l1", "next": "/console/"})
    assert refused.status_code == 400
    assert "备用码是 8 个字母或数字，形如 abcd-efgh。" in refused.content.decode()
    assert rows(AuditAction.SECOND_FACTOR_FAILED) == []


def test_a_new_set_ends_the_old_one(world: World) -> None:
    device, old = enrolled(world.chair)
    with time_machine.travel(T0, tick=False):
        client, _ = password_login("chair")
        ok = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/"})
        assert ok["Location"] == "/console/"
        page = client.get(PAGE)
        assert page.status_code == 200
        assert "您还有 10 个未用的备用码。" in page.content.decode()
        made = client.post(PAGE, {"next": "/console/"})
    new = SHOWN.findall(made.content.decode())
    assert (made.status_code, len(new), set(new) & set(old)) == (200, 10, set())
    assert BackupCode.objects.filter(code_set__user=world.chair).count() == 10
    assert BackupCodeSet.objects.filter(user=world.chair).count() == 1
    assert rows(AuditAction.BACKUP_CODES_MADE) == [
        ("chair", str(world.chair.pk), {"ip": "10.0.0.1", "codes": 10, "unused_replaced": 10})
    ]
    assert stored_anywhere(old + new) == []
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        other, _ = password_login("chair")
        assert other.post(BACKUP, {"backup_code": old[0]}).status_code == 400
    with time_machine.travel(T0 + dt.timedelta(seconds=70), tick=False):
        assert other.post(BACKUP, {"backup_code": new[0]}).status_code == 302


def test_the_codes_page_needs_a_verified_session(world: World) -> None:
    enrolled(world.chair)
    client, _ = password_login("chair")
    get = client.get(PAGE)
    post = client.post(PAGE)
    assert (get.status_code, get["Location"]) == (
        302,
        "/accounts/2fa/?next=%2Faccounts%2F2fa%2Fbackup-codes%2F",
    )
    assert post.status_code == 403
    # A member needs no second factor, but the page still wants a verified session.
    member, _ = password_login("member")
    assert (
        member.post(PAGE)["Location"] == "/accounts/2fa/?next=%2Faccounts%2F2fa%2Fbackup-codes%2F"
    )
    anonymous = Client().get(PAGE)
    assert (anonymous.status_code, anonymous["Location"]) == (
        302,
        "/console/login/?next=/accounts/2fa/backup-codes/",
    )
    assert unused(world.chair) == 10
    assert BackupCodeSet.objects.filter(user=world.member).count() == 0
    assert rows(AuditAction.BACKUP_CODES_MADE) == []


def test_no_new_set_without_an_authenticator(world: World) -> None:
    _, codes = enrolled(world.chair)
    client, _ = password_login("chair")
    assert client.post(BACKUP, {"backup_code": codes[0]}).status_code == 302
    Authenticator.objects.filter(user=world.chair).delete()  # not through reset-2fa
    refused = client.post(PAGE, {"next": "/console/"})
    assert refused.status_code == 409
    assert "请先设置验证器，备用码随验证器一起生成。" in refused.content.decode()
    assert (unused(world.chair), rows(AuditAction.BACKUP_CODES_MADE)) == (9, [])


def test_with_no_code_left_the_codes_page_comes_after_the_code(world: World) -> None:
    device, _ = enrolled(world.chair)
    BackupCode.objects.update(used_at=T0)
    client, _ = password_login("chair")
    ok = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/console/c/"})
    assert ok["Location"] == "/accounts/2fa/backup-codes/?next=%2Fconsole%2Fc%2F"
    page = client.get(ok["Location"]).content.decode()
    assert "您现在没有可用的备用码。" in page
    assert '<a href="/console/c/">以后再说</a>' in page


def test_the_command_prints_ten_codes_that_work(world: World) -> None:
    _, old = enrolled(world.chair)
    out = io.StringIO()
    call_command("backup_codes", "chair", "--reason", "本人来电，已核实身份", stdout=out)
    lines = out.getvalue().splitlines()
    codes = lines[-10:]
    assert lines[:-10] == [
        "chair: 10 new backup codes; the old ones no longer work."
        " Hand them over in person; each works once:"
    ]
    assert ([bool(CODE_SHAPE.match(c)) for c in codes], set(codes) & set(old)) == (
        [True] * 10,
        set(),
    )
    assert rows(AuditAction.BACKUP_CODES_MADE) == [
        (
            "",
            str(world.chair.pk),
            {"reason": "本人来电，已核实身份", "codes": 10, "unused_replaced": 10},
        )
    ]
    assert stored_anywhere(old + codes) == []
    with time_machine.travel(T0, tick=False):
        client, _ = password_login("chair")
        assert client.post(BACKUP, {"backup_code": old[0]}).status_code == 400
    with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
        ok = client.post(BACKUP, {"backup_code": codes[9], "next": "/console/"})
        assert (ok.status_code, ok["Location"]) == (302, "/console/")
        assert client.get("/console/").status_code == 200


def test_the_command_refuses_a_user_without_an_authenticator(world: World) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("backup_codes", "member", "--reason", "试试")
    assert str(caught.value) == (
        "member has no authenticator yet: they set one up at their next login and get codes with it"
    )
    with pytest.raises(CommandError, match=r"^nobody: no such user$"):
        call_command("backup_codes", "nobody", "--reason", "试试")
    assert (BackupCodeSet.objects.count(), rows(AuditAction.BACKUP_CODES_MADE)) == (0, [])


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrent connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_code_one_wins() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.create_user(username="chair", password="x")
    _, codes = enrolled(user)

    def try_code(ip: str):
        def run() -> bool:
            request = RequestFactory().post(BACKUP, REMOTE_ADDR=ip)
            request.user = get_user_model().objects.get(pk=user.pk)
            request.session = SessionStore()
            return verify_backup_code(request, codes[0])

        return run

    assert sorted(run_at_once(try_code("10.0.0.1"), try_code("10.0.0.2"))) == [False, True]
    assert unused(user) == 9
    assert (
        len(rows(AuditAction.SECOND_FACTOR_BACKUP_USED)),
        len(rows(AuditAction.SECOND_FACTOR_FAILED)),
    ) == (1, 1)
    assert verify_chain().ok is True
