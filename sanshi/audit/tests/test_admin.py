from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sanshi.audit.actions import AuditAction, audit_concern_read, record_audit
from sanshi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/admin/audit/auditentry/"


@pytest.fixture
def admin_client() -> Client:
    admin = get_user_model().objects.create_superuser(username="root", password="x")
    client = Client()
    client.force_login(admin)
    return client


@pytest.fixture
def trail() -> list[str]:
    """Four rows; their seq numbers as the page shows them."""
    users = get_user_model().objects
    a = users.create_user(username="officer_a", password="x")
    b = users.create_user(username="officer_b", password="x")
    audit_concern_read(a, 11, protected=True)
    audit_concern_read(b, 11, protected=True)
    audit_concern_read(a, 12, protected=False)
    record_audit(a, "org.created", "org", 11)
    return [str(s) for s in AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[:4]][
        ::-1
    ]


def shown(response) -> list[str]:
    """The seq numbers listed, in order."""
    return re.findall(r'<th class="field-seq"><a href="[^"]+">(\d+)</a>', response.content.decode())


def test_filter_by_user(admin_client: Client, trail: list[str]) -> None:
    response = admin_client.get(URL, {"user": "officer_a"})
    assert response.status_code == 200
    assert shown(response) == [trail[3], trail[2], trail[0]]


def test_filter_by_concern(admin_client: Client, trail: list[str]) -> None:
    assert shown(admin_client.get(URL, {"concern": "11"})) == [trail[1], trail[0]]


def test_filter_by_action_and_user_together(admin_client: Client, trail: list[str]) -> None:
    response = admin_client.get(URL, {"action": AuditAction.CONCERN_READ, "user": "officer_a"})
    assert shown(response) == [trail[2], trail[0]]


def test_looking_at_the_trail_is_itself_audited(admin_client: Client, trail: list[str]) -> None:
    admin_client.get(URL, {"concern": "11"})
    viewed = AuditEntry.objects.get(action=AuditAction.AUDIT_VIEWED)
    assert (viewed.actor_name, viewed.data) == ("root", {"concern": "11"})


def test_the_viewer_is_read_only(admin_client: Client, trail: list[str]) -> None:
    entry = AuditEntry.objects.get(seq=int(trail[0]))
    assert admin_client.get(f"{URL}add/").status_code == 403
    assert admin_client.post(f"{URL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.post(f"{URL}{entry.pk}/change/", {"action": "forged"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.CONCERN_READ
    page = admin_client.get(f"{URL}{entry.pk}/change/").content.decode()
    assert 'name="action"' not in page


def test_non_staff_cannot_open_the_viewer(trail: list[str]) -> None:
    user = get_user_model().objects.create_user(username="someone", password="x")
    client = Client()
    client.force_login(user)
    response = client.get(URL)
    assert (response.status_code, response["Location"]) == (302, f"/admin/login/?next={URL}")
    assert AuditEntry.objects.filter(action=AuditAction.AUDIT_VIEWED).count() == 0
