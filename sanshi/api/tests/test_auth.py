from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

from django.core.management import call_command
from django.test import Client

from sanshi.api.actions import revoke_api_token
from sanshi.api.models import ApiToken
from sanshi.api.selectors import active_token, request_user
from sanshi.audit.models import AuditEntry
from sanshi.concerns.permissions import grants
from sanshi.core import clock
from sanshi.orgs.actions import end_membership
from sanshi.orgs.models import Membership


def test_request_without_token_is_401_with_bearer_challenge(world):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="sanshi"'
    assert response.json() == {
        "error": "unauthenticated",
        "message": "需要有效的访问令牌（Authorization: Bearer …）",
        "fields": {},
    }


def test_wrong_token_is_401(world, api_as):
    api = api_as(world.dispatcher)
    response = api.get("/me", Authorization="Bearer ss_not-a-real-token")
    assert response.status_code == 401


def test_basic_auth_is_not_accepted(world, api_as):
    api = api_as(world.dispatcher)
    response = api.get("/me", Authorization="Basic ZGlzcGF0Y2hlcjpwdw==")
    assert response.status_code == 401


def test_revoked_token_is_401(world, api_as):
    api = api_as(world.dispatcher)
    assert api.get("/me").status_code == 200  # the process now keeps the checked token
    revoke_api_token(api.token)
    assert api.get("/me").status_code == 401


def test_token_of_inactive_user_is_401(world, api_as):
    api = api_as(world.dispatcher)
    assert api.get("/me").status_code == 200
    world.dispatcher.is_active = False
    world.dispatcher.save(update_fields=["is_active"])
    assert api.get("/me").status_code == 401


def test_only_the_hash_of_the_token_is_stored(world, api_as):
    api = api_as(world.dispatcher)
    stored = ApiToken.objects.get(pk=api.token.pk)
    assert stored.key_hash == hashlib.sha256(api.raw.encode()).hexdigest()
    assert stored.prefix == api.raw[:10]
    assert api.raw not in {stored.key_hash, stored.prefix, stored.name}
    assert (
        AuditEntry.objects.filter(action="api_token.issued", object_id=str(stored.pk)).count() == 1
    )


def test_me_shows_the_callers_roles(world, api_as):
    response = api_as(world.dispatcher, name="hotline-app").get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "dispatcher"
    assert body["token_name"] == "hotline-app"
    assert body["roles"] == [
        {
            "org": {"id": world.county.pk, "name": "海城区妇联"},
            "role": "dispatcher",
            "role_label": "派单员",
        }
    ]


def test_api_token_command_prints_a_working_token_on_its_last_line(world):
    out = StringIO()
    call_command("api_token", "chair", "--name", "community-tablet", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json()["token_name"] == "community-tablet"


def test_api_token_command_refuses_unknown_user(world):
    from django.core.management.base import CommandError

    try:
        call_command("api_token", "nobody", stdout=StringIO())
    except CommandError as exc:
        assert str(exc) == "no user 'nobody'"
    else:
        raise AssertionError("expected CommandError")
    assert ApiToken.objects.count() == 0


def test_admin_issues_a_token_and_shows_it_once(world, django_user_model, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/api/apitoken/add/", {"user": world.chair.pk, "name": "from-admin"}, follow=True
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"] if "只显示这一次" in str(m)]
    raw = message.rsplit(" ", 1)[-1]
    token = ApiToken.objects.get(name="from-admin")
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.json()["username"] == "chair"


def test_a_revocation_made_by_another_process_counts_within_credentials_seconds(
    world, api_as, settings
):
    settings.CREDENTIALS_SECONDS = 3600
    api = api_as(world.dispatcher)
    assert api.get("/me").status_code == 200
    # Another process's write: no signal reaches this one, so it trusts what it checked...
    ApiToken.objects.filter(pk=api.token.pk).update(revoked_at=clock.now())
    assert api.get("/me").status_code == 200
    # ...until CREDENTIALS_SECONDS have passed since it checked.
    settings.CREDENTIALS_SECONDS = 0
    assert api.get("/me").status_code == 401


def test_an_ended_role_counts_at_once(world, api_as):
    api = api_as(world.dispatcher)
    assert api.post("/concerns", {"text": "想咨询离婚财产分割"}).status_code == 201
    [membership] = Membership.objects.filter(person__user=world.dispatcher)
    end_membership(membership, on=clock.now().date() - dt.timedelta(days=1))
    response = api.post("/concerns", {"text": "想咨询离婚财产分割"})
    assert response.status_code == 403
    assert api.get("/me").json()["roles"] == []


def test_an_unknown_token_is_looked_up_every_time(world, api_as, django_assert_num_queries):
    api = api_as(world.dispatcher)
    for _ in range(2):
        with django_assert_num_queries(1):
            assert api.get("/me", Authorization="Bearer ss_not-a-real-token").status_code == 401


def test_each_request_gets_its_own_copy_of_the_tokens_user(world, api_as):
    api = api_as(world.dispatcher)
    token = active_token(api.raw)
    assert token is active_token(api.raw)  # one checked token per process...
    first, second = request_user(token), request_user(token)
    assert first is not second  # ...and one user object per request
    assert [g.role for g in grants(first)] == ["dispatcher"]
    first.kept_by_a_request = True
    assert hasattr(second, "kept_by_a_request") is False
    assert hasattr(token.user, "kept_by_a_request") is False
