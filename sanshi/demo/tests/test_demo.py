from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from sanshi.concerns.models import Concern, ConcernEvent
from sanshi.demo.loader import ACCOUNTS, DEMO_PASSWORD, load_demo
from sanshi.orgs.models import Membership, Org, Person

UNTIL = dt.datetime(2026, 11, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Org.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        Concern.objects.count(),
        ConcernEvent.objects.count(),
    )


@pytest.mark.django_db
def test_the_demo_loads_once_and_a_second_run_adds_nothing(guangxi: None) -> None:
    first = load_demo(concerns=60, until=UNTIL)
    counts = _counts()
    second = load_demo(concerns=60, until=UNTIL)
    assert (first.concerns, second.concerns, second.concerns_skipped) == (60, 0, True)
    assert _counts() == counts
    assert counts[3] == 60 + 8  # and the eight of the day's work (sanshi/demo/today.py)


@pytest.mark.django_db
def test_the_tree_of_the_report(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    city = Org.objects.get(name="北海市妇联")
    assert (city.parent.name, city.division_code) == ("广西壮族自治区妇联", "450500")
    assert sorted(city.children.filter(level="county").values_list("name", flat=True)) == [
        "合浦县妇联",
        "海城区妇联",
        "铁山港区妇联",
        "银海区妇联",
    ]
    assert Org.objects.filter(level="township").count() == 30
    assert Org.objects.get(name="北部湾社区妇联").parent.parent.name == "海城区妇联"
    assert Org.objects.get(name="侨中社区妇联").parent.name == "侨港镇妇联"
    assert Org.objects.get(name="黑珍珠海洋生物科技有限公司妇联").kind == "enterprise"
    assert Org.objects.get(name="北海益众社会工作服务中心").kind == "social_org"


@pytest.mark.django_db
def test_every_demo_account_logs_in_with_the_printed_password(guangxi: None) -> None:
    load_demo(concerns=0, until=UNTIL)
    usernames = [a[0] for a in ACCOUNTS]
    assert usernames == [
        "city_admin",
        "haicheng_dispatcher",
        "beibuwan_chair",
        "beibuwan_member",
        "qiaozhong_member",
        "social_worker",
        "volunteer",
        "haicheng_protection",
        "leader",
    ]
    for username in usernames:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_concerns(guangxi: None) -> None:
    load_demo(concerns=30, until=UNTIL, seed=7)
    first = list(
        Concern.objects.order_by("received_at").values_list(
            "tracking_code", "status", "subcategory"
        )
    )
    Concern.objects.all().delete()
    load_demo(concerns=30, until=UNTIL, seed=7)
    again = list(
        Concern.objects.order_by("received_at").values_list(
            "tracking_code", "status", "subcategory"
        )
    )
    assert again == first


@pytest.mark.django_db
def test_the_command_prints_the_accounts(
    guangxi: None, capsys: pytest.CaptureFixture[str], settings
) -> None:
    settings.SANSHI_2FA_REQUIRED = True
    call_command("demo", "--concerns", "5", "--until", "2026-11-01", verbosity=0)
    out = capsys.readouterr().out
    assert f"password for all: {DEMO_PASSWORD}" in out
    for account in ACCOUNTS:
        assert f"\n  {account[0]} " in out
    # Admins, chairs and protection officers log in with a second factor: its link is printed.
    assert out.count("2FA: otpauth://totp/") == 3


@pytest.mark.django_db
def test_the_showcase_protected_concern_is_seen_only_by_the_right_people(guangxi: None) -> None:
    from django.contrib.auth import get_user_model

    from sanshi.audit.models import AuditEntry
    from sanshi.audit.verify import verify_chain
    from sanshi.concerns import actions
    from sanshi.concerns.access import FULL, access_concern, visibility
    from sanshi.core.errors import NotFound

    load_demo(concerns=1, until=UNTIL)
    users = {u.username: u for u in get_user_model().objects.all()}
    concern = Concern.objects.order_by("pk").first()  # the day's work comes after it
    assert concern is not None
    assert (concern.protected, concern.org.name, concern.subcategory) == (
        True,
        "北部湾社区妇联",
        "safety.dv_now",
    )
    for username in ("volunteer", "qiaozhong_member"):
        with pytest.raises(NotFound):
            access_concern(users[username], concern.pk)
    assert (visibility(users["leader"], concern), visibility(users["city_admin"], concern)) == (
        "deidentified",
        "stub",
    )
    assert visibility(users["beibuwan_member"], concern) == "stub"
    reads_before = AuditEntry.objects.filter(
        action="concern.read", object_id=str(concern.pk)
    ).count()
    for username in ("haicheng_protection", "beibuwan_chair"):
        assert visibility(users[username], access_concern(users[username], concern.pk)) == FULL
    actions.assign_handler(
        concern, Person.objects.get(user=users["beibuwan_member"]), actor=users["beibuwan_chair"]
    )
    assert (
        visibility(users["beibuwan_member"], access_concern(users["beibuwan_member"], concern.pk))
        == FULL
    )
    reads = AuditEntry.objects.filter(action="concern.read", object_id=str(concern.pk))
    assert reads.count() - reads_before == 3
    assert verify_chain().ok is True
