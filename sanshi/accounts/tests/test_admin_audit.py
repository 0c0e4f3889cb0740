from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from sanshi.accounts.models import Authenticator
from sanshi.accounts.tests.helpers import code_for
from sanshi.audit.actions import AuditAction
from sanshi.audit.models import AuditEntry
from sanshi.audit.verify import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    root = get_user_model().objects.create_superuser(username="root", password="pw-root")
    device = Authenticator.objects.create(user=root, name="phone", confirmed=True)
    client = Client()
    assert (
        client.post("/admin/login/", {"username": "root", "password": "pw-root"}).status_code == 302
    )
    assert client.post("/accounts/2fa/", {"code": code_for(device)}).status_code == 302
    return client


def change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def test_the_admin_asks_for_the_code_too() -> None:
    get_user_model().objects.create_superuser(username="root", password="pw-root")
    Authenticator.objects.filter().delete()
    client = Client()
    client.post("/admin/login/", {"username": "root", "password": "pw-root"})
    response = client.get("/admin/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/2fa/setup/?next=%2Fadmin%2F",
    )


def test_making_someone_staff_and_adding_a_group_is_audited(admin_client: Client) -> None:
    clerk = get_user_model().objects.create_user(username="clerk", password="x")
    group = Group.objects.create(name="审计员")
    response = admin_client.post(
        f"/admin/auth/user/{clerk.pk}/change/",
        change_form(clerk, is_staff="on", groups=[str(group.pk)]),
    )
    assert response.status_code == 302
    row = AuditEntry.objects.get(action=AuditAction.USER_CHANGED)
    assert (row.actor_name, row.object_id) == ("root", str(clerk.pk))
    assert row.data["changes"] == {
        "is_staff": {"from": False, "to": True},
        "groups": {"from": [], "to": ["审计员"]},
    }
    assert verify_chain().ok is True


def test_a_groups_permissions_are_audited(admin_client: Client) -> None:
    perm = Permission.objects.get(codename="view_auditentry")
    response = admin_client.post(
        "/admin/auth/group/add/", {"name": "审计员", "permissions": [str(perm.pk)]}
    )
    assert response.status_code == 302
    row = AuditEntry.objects.get(action="group.created")
    assert row.data == {"permissions": ["audit.view_auditentry"]}
