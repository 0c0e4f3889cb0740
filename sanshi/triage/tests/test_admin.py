from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import TOTP

from sanshi.accounts.models import Authenticator
from sanshi.orgs.models import Division
from sanshi.testing import World
from sanshi.triage.models import DispatchThreshold, PlaceAlias, TriageModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(settings: Any) -> Client:
    """A superuser signed in to the admin with password and one-time code."""
    # The admin's pages need static files; the manifest exists only after collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    root = get_user_model().objects.create_superuser(username="root", password="pw-root")
    device = Authenticator.objects.create(user=root, name="phone", confirmed=True)
    client = Client()
    login = client.post("/admin/login/", {"username": "root", "password": "pw-root"})
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    second = client.post("/accounts/2fa/", {"code": f"{code:06d}"})
    assert (login.status_code, second.status_code) == (302, 302)
    return client


def alias_form(**values: str) -> dict[str, str]:
    return {"alias": "", "division": "", "org": "", "note": "", **values}


def test_an_admin_adds_a_community_alias(admin_client: Client, world: World) -> None:
    response = admin_client.post(
        "/admin/triage/placealias/add/",
        alias_form(alias=" 老街口 ", org=str(world.community.pk), note="菜市场"),
    )
    assert response.status_code == 302
    assert list(PlaceAlias.objects.values_list("alias", "org_id", "division_id", "note")) == [
        ("老街口", world.community.pk, None, "菜市场")
    ]


def test_an_alias_for_a_township_org_is_refused(admin_client: Client, world: World) -> None:
    response = admin_client.post(
        "/admin/triage/placealias/add/", alias_form(alias="东街", org=str(world.township.pk))
    )
    assert response.status_code == 200
    assert "org aliases are for communities and villages" in response.content.decode()
    assert PlaceAlias.objects.count() == 0


def test_a_one_character_alias_is_refused(admin_client: Client) -> None:
    Division.objects.create(code="450000", name="广西壮族自治区", level=1)
    response = admin_client.post(
        "/admin/triage/placealias/add/", alias_form(alias="桂", division="450000")
    )
    assert response.status_code == 200
    assert "an alias needs at least two characters" in response.content.decode()
    assert PlaceAlias.objects.count() == 0


def test_an_alias_names_one_place_only(admin_client: Client, world: World) -> None:
    Division.objects.create(code="450000", name="广西壮族自治区", level=1)
    response = admin_client.post(
        "/admin/triage/placealias/add/",
        alias_form(alias="八桂", division="450000", org=str(world.community.pk)),
    )
    assert response.status_code == 200
    assert "an alias names a division or an org, one of the two" in response.content.decode()
    assert PlaceAlias.objects.count() == 0


def test_editing_an_alias_changes_only_its_note(admin_client: Client, world: World) -> None:
    Division.objects.create(code="450000", name="广西壮族自治区", level=1)
    alias = PlaceAlias.objects.create(
        alias="老街口", org=world.community, note="", created_at="2026-01-01T00:00:00Z"
    )
    response = admin_client.post(
        f"/admin/triage/placealias/{alias.pk}/change/",
        alias_form(alias="八桂", division="450000", note="菜市场旁"),
    )
    assert response.status_code == 302
    assert list(PlaceAlias.objects.values_list("alias", "org_id", "division_id", "note")) == [
        ("老街口", world.community.pk, None, "菜市场旁")
    ]


def test_an_admin_sets_a_category_threshold(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/triage/dispatchthreshold/add/",
        {"category": "community", "enabled": "on", "min_confidence": "0.9"},
    )
    assert response.status_code == 302
    assert list(DispatchThreshold.objects.values_list("category", "enabled", "min_confidence")) == [
        ("community", True, 0.9)
    ]


def test_a_threshold_above_one_or_for_no_category_is_refused(admin_client: Client) -> None:
    high = admin_client.post(
        "/admin/triage/dispatchthreshold/add/",
        {"category": "community", "enabled": "on", "min_confidence": "1.5"},
    )
    unknown = admin_client.post(
        "/admin/triage/dispatchthreshold/add/",
        {"category": "weather", "enabled": "on", "min_confidence": "0.5"},
    )
    assert (high.status_code, unknown.status_code) == (200, 200)
    assert high.context["adminform"].form.errors == {"min_confidence": ["应在 0 到 1 之间"]}
    assert list(unknown.context["adminform"].form.errors) == ["category"]
    assert DispatchThreshold.objects.count() == 0


def test_model_versions_are_read_only(admin_client: Client) -> None:
    row = TriageModel.objects.create(
        version="m-0123456789",
        created_at="2026-01-01T00:00:00Z",
        active=True,
        metrics={"category_accuracy": 0.9, "critical_recall": 1.0},
        examples=[],
    )
    listing = admin_client.get("/admin/triage/triagemodel/")
    view = admin_client.get(f"/admin/triage/triagemodel/{row.pk}/change/")
    change = admin_client.post(
        f"/admin/triage/triagemodel/{row.pk}/change/", {"version": "m-x", "active": ""}
    )
    add = admin_client.get("/admin/triage/triagemodel/add/")
    delete = admin_client.post(f"/admin/triage/triagemodel/{row.pk}/delete/", {"post": "yes"})
    assert (listing.status_code, view.status_code) == (200, 200)
    assert (change.status_code, add.status_code, delete.status_code) == (403, 403, 403)
    assert list(TriageModel.objects.values_list("version", "active")) == [("m-0123456789", True)]
